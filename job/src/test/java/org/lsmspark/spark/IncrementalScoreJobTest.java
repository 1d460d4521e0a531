package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental runs over a landing folder into a Delta table: only new files scored, re-sent conversations replaced. */
class IncrementalScoreJobTest {
  static final LocalDate DAY1 = LocalDate.of(2026, 11, 23);
  static final LocalDate DAY2 = LocalDate.of(2026, 11, 24);
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
  }

  static ScoreJob.Result run(Path landing, String table, Path checkpoint, LocalDate day) {
    return IncrementalScoreJob.run(spark,
        LakeRuns.request(landing.toString(), table, TableFormat.DELTA, null, day, 5), checkpoint.toString());
  }

  /** conversation → its turn indices and the run ids of its rows. */
  static Map<String, String> byConversation(String table) {
    Map<String, List<String>> m = new TreeMap<>();
    LakeRuns.rows(spark.read().format("delta").load(table)).forEach((k, v) -> m.computeIfAbsent(
        k.substring(0, k.indexOf('/')), c -> new ArrayList<>()).add(k.substring(k.indexOf('/') + 1, k.indexOf('@'))
        + ":" + v.substring(0, v.indexOf('|'))));
    Map<String, String> out = new TreeMap<>();
    m.forEach((c, l) -> out.put(c, String.join(",", l.stream().sorted().toList())));
    return out;
  }

  @Test
  void aSecondRunScoresOnlyTheNewArrivalAndAReSentConversationIsReplaced() throws Exception {
    Path landing = tmp.resolve("landing");
    Path checkpoint = tmp.resolve("checkpoint");
    String table = tmp.resolve("table").toString();
    Corpora.arrive(spark, landing, "a", Corpora.goldenRows(LakeRuns.GOLDEN, "a-", 5, 12, 1));
    ScoreJob.Result first = run(landing, table, checkpoint, DAY1);
    assertEquals(5 * 2, first.counts().rowsWritten());
    assertEquals(5, first.counts().conversations());
    assertEquals("exact", first.summary().engines().decode().mode(), "exact is the default");
    assertEquals(0L, first.summary().engines().decode().checked());

    Corpora.arrive(spark, landing, "b", Corpora.goldenRows(LakeRuns.GOLDEN, "b-", 3, 13, 2));
    ScoreJob.Result second = run(landing, table, checkpoint, DAY2);
    assertEquals(3, second.counts().conversations(), "only the new file's conversations");
    assertEquals(3 * 3, second.counts().rowsWritten());
    Map<String, String> after2 = byConversation(table);
    assertEquals(8, after2.size());
    after2.forEach((c, rows) -> assertFalse(rows.contains(c.startsWith("a-") ? second.runId() : first.runId()), c));

    // a conversation sent again, now shorter, and a new one: a-00002 is replaced, not added to
    List<Row> resent = new ArrayList<>(Corpora.goldenRows(LakeRuns.GOLDEN, "a-", 3, 11, 9).subList(22, 33));
    resent.addAll(Corpora.goldenRows(LakeRuns.GOLDEN, "c-", 1, 12, 3));
    Corpora.arrive(spark, landing, "c", resent);
    ScoreJob.Result third = run(landing, table, checkpoint, DAY2);
    assertEquals(2, third.counts().conversations());
    Map<String, String> after3 = byConversation(table);
    assertEquals(9, after3.size());
    assertEquals("10:" + third.runId(), after3.get("a-00002"), "one window left, from the re-sent turns");
    after2.forEach((c, rows) -> {
      if (!c.equals("a-00002")) {
        assertEquals(rows, after3.get(c), c);
      }
    });

    // one tagged commit per batch; the manifest names its version
    List<Row> history = DeltaTable.forPath(spark, table).history().orderBy("version").select("version", "userMetadata")
        .collectAsList();
    assertEquals(3, history.size());
    assertEquals(third.runId() + "#2", history.get(2).getString(1));
    assertEquals(history.get(2).getLong(0), third.summary().table().version());
    assertEquals(List.of(new RunManifest.Batch(2, history.get(2).getLong(0), false, 2, 1 + 2, 3)),
        third.summary().incremental().batches());

    ScoreJob.Result nothing = run(landing, table, checkpoint, DAY2);
    assertEquals(0, nothing.counts().rowsWritten());
    assertEquals(List.of(), nothing.summary().incremental().batches());
    assertEquals(after3, byConversation(table));
  }

  @Test
  void aBatchReplayedAfterItsCommitIsSkippedExactlyOnce() throws Exception {
    Path landing = tmp.resolve("replay-landing");
    Path checkpoint = tmp.resolve("replay-checkpoint");
    String table = tmp.resolve("replay-table").toString();
    Corpora.arrive(spark, landing, "a", Corpora.goldenRows(LakeRuns.GOLDEN, "a-", 4, 12, 5));
    ScoreJob.Result first = run(landing, table, checkpoint, DAY1);
    Map<String, String> before = byConversation(table);
    // a crash after the Delta commit and before the checkpoint's: the batch's commit marker is missing
    Files.delete(checkpoint.resolve("commits").resolve("0"));
    Files.deleteIfExists(checkpoint.resolve("commits").resolve(".0.crc"));
    ScoreJob.Result replay = run(landing, table, checkpoint, DAY2);
    assertEquals(1, replay.summary().incremental().batches().size());
    assertTrue(replay.summary().incremental().batches().get(0).skipped(), "Delta saw batch 0 of this query before");
    assertEquals(before, byConversation(table), "the rows of the first attempt, once");
    assertEquals(1, DeltaTable.forPath(spark, table).history().count());
    assertTrue(before.values().stream().allMatch(v -> v.contains(first.runId())));
  }

  /** --decode reaches an incremental run's engines too, and its manifest pools the batches' checks. */
  @Test
  void anApproximateDecodeIncrementalRunHasItsRecallInTheManifest() throws Exception {
    Path landing = tmp.resolve("decode-landing");
    Corpora.arrive(spark, landing, "a", Corpora.goldenRows(LakeRuns.GOLDEN, "a-", 3, 12, 7));
    ScoreJob.Request exact = LakeRuns.request(landing.toString(), tmp.resolve("decode-table").toString(),
        TableFormat.DELTA, null, DAY1, 5);
    ScoreSettings s = exact.settings();
    ScoreJob.Request r = new ScoreJob.Request(exact.model(), exact.input(), exact.output(), exact.columns(),
        new ScoreSettings(s.mode(), s.minContext(), s.batchSize(), s.topK(), 0, 0, false,
            org.lsmspark.tokenizer.DecodeMode.APPROXIMATE, 1.0),
        exact.runDate(), exact.partitions(), false, exact.inputFormat(), exact.outputFormat(), null);
    ScoreJob.Result result = IncrementalScoreJob.run(spark, r, tmp.resolve("decode-checkpoint").toString());
    RunManifest.Decode d = result.summary().engines().decode();
    assertEquals("approximate", d.mode());
    assertEquals(1.0, d.checkRate());
    assertTrue(d.checked() > 0);
    assertEquals(result.summary().engines().modelWindows(), d.checked(), "caching off: every window checked");
    assertTrue(d.recallAt1() >= 0 && d.recallAt1() <= 1, "recall@1 " + d.recallAt1());
    assertTrue(d.recallAt5() >= 0 && d.recallAt5() <= 1, "recall@5 " + d.recallAt5());
    Path manifest = Path.of(result.manifest().replace("file:", ""));
    assertEquals(d, RunManifest.fromJson(Files.readString(manifest), manifest.toString()).engines().decode());
  }

  @Test
  void onlyDeltaTablesCanBeWrittenIncrementally() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IncrementalScoreJob.run(spark,
        LakeRuns.request(tmp.toString(), tmp.resolve("p").toString(), TableFormat.PARQUET, null, DAY1, 5),
        tmp.resolve("cp").toString()));
    assertTrue(e.getMessage().contains("needs --output-format delta"), e.getMessage());
  }
}
