package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Two {@code lsm score} runs of the same date into the same table at once. Both are paused right
 * before their commit's atomic step (their data files written, from the same table version) and
 * released together, so their commits race every time. Allowed: the later one fails clearly
 * (exit 3, one line naming the conflict, no stack trace), or both commit one after the other.
 * Never: a date mixing the two runs' rows, or missing some.
 */
@Tag("fault")
@ExtendWith(ChildRuns.KillAfterEach.class)
class ConcurrentRunsTest {
  static final String DATE = "2026-07-08";
  @TempDir static Path tmp;
  static SparkSession spark;
  static String corpus;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
    corpus = Corpora.golden(spark, LakeRuns.GOLDEN, tmp.resolve("corpus"), 20, 14, 23);
  }

  @Test
  void twoDeltaRunsOfOneDateNeverMixTheirRows() throws Exception {
    race(ChildLake.delta(spark, tmp.resolve("delta")));
  }

  @Test
  void twoIcebergRunsOfOneDateNeverMixTheirRows() throws Exception {
    race(ChildLake.iceberg(spark, tmp.resolve("warehouse")));
  }

  static void race(ChildLake lake) throws Exception {
    if (lake.name().equals("Delta")) { // this class starts first: its set-up child writes the children's class archive
      ChildRuns.succeeds(lake.score(tmp.resolve(lake.name() + "-setup"), List.of(), corpus, DATE), lake.name()
          + " setup run");
    } else {
      lake.scoreHere(corpus, DATE);
    }
    TableStates before = lake.state();
    Set<String> keys = new TreeSet<>(before.rows().keySet());
    assertEquals(20 * 4, keys.size(), "rows of the setup run");

    Path release = tmp.resolve(lake.name() + "-release");
    List<ChildRuns.Child> runs = new ArrayList<>();
    List<Path> ready = List.of(tmp.resolve(lake.name() + "-a.ready"), tmp.resolve(lake.name() + "-b.ready"));
    for (int i = 0; i < 2; i++) {
      runs.add(lake.score(tmp.resolve(lake.name() + "-" + i), FaultPoint.options("before", ready.get(i), release),
          corpus, DATE));
    }
    for (int i = 0; i < 2; i++) {
      Path r = ready.get(i);
      assertTrue(runs.get(i).awaitWhileAlive(() -> Files.exists(r)), lake.name() + " run " + i
          + " never reached its commit; console:\n" + runs.get(i).output());
    }
    Files.createFile(release); // both hold written data files and the same base version: the commits race

    List<String> committed = new ArrayList<>();
    for (ChildRuns.Child c : runs) {
      int code = c.exit();
      if (code == 0) {
        committed.add(c.runId());
      } else {
        assertConflictReported(lake, code, c.output());
      }
    }
    TableStates after = lake.state();
    assertFalse(committed.isEmpty(), lake.name() + " table " + after.table() + ": neither run committed; history "
        + after.history());
    assertEquals(before.history().size() + committed.size(), after.history().size(), lake.name() + " table "
        + after.table() + ": " + committed.size() + " runs exited 0, history " + before.history() + " -> "
        + after.history());
    Set<String> tags = new TreeSet<>();
    after.history().subList(before.history().size(), after.history().size())
        .forEach(h -> tags.add(h.substring(h.indexOf(':') + 1)));
    assertEquals(new TreeSet<>(committed), tags, lake.name() + " table " + after.table()
        + ": the new commits are those of the runs that exited 0");
    after.assertComplete(after.currentTag(), keys, lake.name() + " after two concurrent runs");
    System.out.println(lake.name() + " race: " + committed.size() + " of 2 committed, table at version "
        + after.version());
  }

  /** Exit 3; one line {@code lsm score: failed: conflicting commit ...}; no stack trace on the console. */
  static void assertConflictReported(ChildLake lake, int code, String console) {
    assertEquals(3, code, lake.name() + " losing run: exit code; console:\n" + console);
    List<String> errors = console.lines().filter(l -> l.startsWith("lsm score: failed:")).toList();
    assertEquals(1, errors.size(), lake.name() + " losing run: one error line; console:\n" + console);
    assertTrue(errors.get(0).contains("conflicting commit") && errors.get(0).contains(DATE), lake.name()
        + " losing run: the error names the conflict and the date: " + errors.get(0));
    List<String> trace = console.lines().filter(l -> l.matches("\\s+at \\S+\\(.*\\)") || l.startsWith("Caused by:")
        || l.contains("Exception in thread")).toList();
    assertEquals(List.of(), trace, lake.name() + " losing run: a stack trace on the console:\n" + console);
  }
}
