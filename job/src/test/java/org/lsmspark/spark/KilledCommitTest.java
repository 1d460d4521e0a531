package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Delta or Iceberg run killed with SIGKILL inside its commit, deterministically (through
 * {@link FaultPoint}): right before the commit's atomic step and right after it. Each time the table is at the version
 * before the run, unchanged, or at one new version holding the date's complete rows of the
 * killed run; a run killed before the very first commit leaves nothing a rerun trips over; and
 * the rerun commits the date's rows exactly once.
 */
@Tag("fault")
@ExtendWith(ChildRuns.KillAfterEach.class)
class KilledCommitTest {
  static final String DATE = "2026-07-08";
  static final int CONVERSATIONS = 60;
  static final int TURNS = 20;
  static final int WINDOW = 10;
  @TempDir static Path tmp;
  static SparkSession spark;
  static String corpus;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
    corpus = Corpora.golden(spark, LakeRuns.GOLDEN, tmp.resolve("corpus"), CONVERSATIONS, TURNS, 17);
  }

  static ChildRuns.Child score(ChildLake lake, String step, List<String> faultOptions) {
    return lake.score(tmp.resolve(lake.name() + "-" + step), faultOptions, corpus, DATE);
  }

  @Test
  void aDeltaRunKilledWhileCommittingLeavesTheTableAtAVersionAndTheRerunCompletes() throws Exception {
    killedAcrossTheCommit(ChildLake.delta(spark, tmp.resolve("delta")), true);
  }

  /** Iceberg creates the table in a commit of its own, before the rows: a first run killed is not a special case. */
  @Test
  void anIcebergRunKilledWhileCommittingLeavesTheTableAtASnapshotAndTheRerunCompletes() throws Exception {
    killedAcrossTheCommit(ChildLake.iceberg(spark, tmp.resolve("warehouse")), false);
  }

  /** Runs a child paused at {@code when}, kills it there; fails if it ended without reaching the point. */
  static ChildRuns.Child killedAt(ChildLake lake, String when, String step) throws Exception {
    Path ready = tmp.resolve(lake.name() + "-" + step + ".ready");
    ChildRuns.Child c = score(lake, step, FaultPoint.options(when, ready, null));
    boolean paused = c.awaitWhileAlive(() -> Files.exists(ready));
    assertTrue(paused && c.process().isAlive(), lake.name() + " " + step + ": the run never paused " + when
        + " its commit; console:\n" + c.output());
    c.kill();
    return c;
  }

  /**
   * The kills, each a child JVM (they cost most of the time): the first run ever if
   * {@code killFirst}, then right before the commit's atomic step and right after it. The runs
   * nothing kills, the first complete one and the rerun, run in this JVM.
   * (A kill at a random moment of the write is {@link KilledWriteTest}'s; here the pause points
   * put every kill inside the commit.)
   */
  static void killedAcrossTheCommit(ChildLake lake, boolean killFirst) throws Exception {
    if (killFirst) { // the very first run, killed with its data files written and no commit: no version, nothing in the way
      killedAt(lake, "before", "first");
      TableStates none = lake.state();
      assertEquals(TableStates.NO_VERSION, none.version(), lake.name() + " table " + none.table()
          + ": a run killed before its commit left a version " + none.history());
      assertTrue(lake.dataFiles() > 0, lake.name() + ": the killed run had written data files (else the kill"
          + " proves nothing)");
    }

    String first = lake.scoreHere(corpus, DATE); // nothing kills it: in this JVM, not a child
    TableStates previous = lake.state();
    Set<String> keys = new TreeSet<>(previous.rows().keySet());
    assertEquals(CONVERSATIONS * (TURNS - WINDOW), keys.size(), lake.name() + " table " + previous.table()
        + " version " + previous.version() + ": rows of the first complete run");
    assertEquals(1, previous.history().size(), previous.history().toString());
    previous.assertComplete(first, keys, lake.name() + " first complete run");

    // right before the commit's atomic step: the previous version, whole
    killedAt(lake, "before", "before-commit");
    TableStates s = lake.state();
    assertTrue(!s.assertOldOrCompleteNew(previous, keys, lake.name() + " killed before its commit"),
        lake.name() + " table " + s.table() + " moved to version " + s.version() + " although the run was killed"
        + " before its commit");

    // right after the commit's atomic step: the killed run's complete rows, one commit more
    ChildRuns.Child committed = killedAt(lake, "after", "after-commit");
    s = lake.state();
    assertTrue(s.assertOldOrCompleteNew(previous, keys, lake.name() + " killed after its commit"),
        lake.name() + " table " + s.table() + " stayed at version " + s.version() + " although the run was killed"
        + " after its commit");
    assertEquals(committed.runId(), s.currentTag(), "the commit is the killed run's");
    previous = s;

    String rerun = lake.scoreHere(corpus, DATE); // what a kill left is on disk: any JVM's rerun meets it
    s = lake.state();
    assertTrue(s.assertOldOrCompleteNew(previous, keys, lake.name() + " rerun"), lake.name() + " rerun committed"
        + " nothing to " + s.table());
    assertEquals(rerun, s.currentTag(), lake.name() + " table " + s.table() + ": the rerun's commit");
  }
}
