package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incremental run killed with SIGKILL mid-batch (its rows scored and written, its Delta
 * commit not made), then again between its Delta commit and its checkpoint's, then started
 * again with a new arrival: every window of the input is in the table exactly once, with the
 * rows a batch run over the same input writes.
 */
@Tag("fault")
@ExtendWith(ChildRuns.KillAfterEach.class)
class KilledIncrementalRunTest {
  static final String DATE = "2026-07-08";
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
  }

  @Test
  void anIncrementalRunKilledMidBatchAndRestartedWritesEachWindowOnce() throws Exception {
    Path landing = tmp.resolve("landing");
    String checkpoint = tmp.resolve("checkpoint").toString();
    ChildLake lake = ChildLake.delta(spark, tmp.resolve("table"));
    Corpora.arrive(spark, landing, "a", Corpora.goldenRows(LakeRuns.GOLDEN, "a-", 20, 14, 31));

    // mid-batch: scored and written, not committed
    Path ready = tmp.resolve("mid-batch.ready");
    ChildRuns.Child c = run(lake, "mid-batch", FaultPoint.options("before", ready, null), landing, checkpoint);
    assertTrue(c.awaitWhileAlive(() -> Files.exists(ready)), "never reached its commit:\n" + c.output());
    c.kill();
    TableStates s = lake.state();
    assertEquals(TableStates.NO_VERSION, s.version(), "table " + s.table() + " after a kill before the first"
        + " commit: " + s.history());

    // between the table's commit and the checkpoint's: the batch is in the table, the checkpoint does not know
    Path committedReady = tmp.resolve("committed.ready");
    ChildRuns.Child committed = run(lake, "committed", FaultPoint.options("after", committedReady, null), landing,
        checkpoint);
    assertTrue(committed.awaitWhileAlive(() -> Files.exists(committedReady)), "never committed:\n"
        + committed.output());
    committed.kill();
    s = lake.state();
    assertEquals(List.of("0:" + committed.runId() + "#0"), s.history(), "table " + s.table()
        + ": the replayed batch 0, committed once");
    assertEquals(20 * 4, s.rows().size(), "table " + s.table() + " version " + s.version() + ": rows of batch 0");

    // restarted with a new arrival: batch 0 replayed (Delta skips it), batch 1 scored
    Corpora.arrive(spark, landing, "b", Corpora.goldenRows(LakeRuns.GOLDEN, "b-", 10, 13, 37));
    ChildRuns.Child restart = run(lake, "restart", List.of(), landing, checkpoint);
    ChildRuns.succeeds(restart, "restarted incremental run");
    assertTrue(restart.output().contains("already committed by an earlier attempt"), "batch 0 replayed and"
        + " skipped:\n" + restart.output());

    s = lake.state();
    assertEquals(2, s.history().size(), "table " + s.table() + ": one commit per batch: " + s.history());
    String ref = tmp.resolve("reference").toString();
    ScoreJob.run(spark, LakeRuns.request(landing.toString(), ref, TableFormat.PARQUET, null, LocalDate.parse(DATE), 5));
    Map<String, String> expected = LakeRuns.withoutRunId(LakeRuns.rows(spark.read().parquet(ref)));
    assertEquals(20 * 4 + 10 * 3, expected.size(), "windows of the input");
    assertEquals(expected, LakeRuns.withoutRunId(s.rows()), "table " + s.table() + " version " + s.version()
        + " against a batch run over the same input: each window once, same predictions");
    for (Map.Entry<String, String> e : s.rows().entrySet()) {
      String runId = e.getKey().startsWith("a-") ? committed.runId() : restart.runId();
      assertTrue(e.getValue().startsWith(runId + "|"), "table " + s.table() + " version " + s.version() + ": row "
          + e.getKey() + " carries " + e.getValue().substring(0, e.getValue().indexOf('|')) + ", expected " + runId);
    }
    assertEquals(Set.of(committed.runId(), restart.runId()), s.runIds());
  }

  static ChildRuns.Child run(ChildLake lake, String step, List<String> faultOptions, Path landing,
      String checkpoint) {
    return lake.score(tmp.resolve(step), faultOptions, landing.toString(), DATE, "--incremental", "--checkpoint",
        checkpoint);
  }
}
