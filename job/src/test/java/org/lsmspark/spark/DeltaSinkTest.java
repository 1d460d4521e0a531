package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictions into a Delta table: one commit per run tagged with its id, time travel, a date replaced alone. */
class DeltaSinkTest {
  static final LocalDate MONDAY = LocalDate.of(2026, 11, 23);
  static final LocalDate TUESDAY = LocalDate.of(2026, 11, 24);
  @TempDir static Path tmp;
  static SparkSession spark;
  static String corpus;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
    corpus = Corpora.golden(spark, LakeRuns.GOLDEN, tmp.resolve("corpus"), 8, 13, 11);
  }

  static Map<String, String> at(String table, long version) {
    return LakeRuns.rows(spark.read().format("delta").option("versionAsOf", version).load(table));
  }

  @Test
  void eachRunIsOneTaggedCommitAndEarlierVersionsStayReadable() throws Exception {
    String table = tmp.resolve("delta").toString();
    ScoreJob.Result first = ScoreJob.run(spark, LakeRuns.request(corpus, table, TableFormat.DELTA, null, MONDAY, 3));
    ScoreJob.Result other = ScoreJob.run(spark, LakeRuns.request(corpus, table, TableFormat.DELTA, null, TUESDAY, 3));
    Map<String, String> beforeRerun = at(table, other.summary().table().version());
    ScoreJob.Result rerun = ScoreJob.run(spark, LakeRuns.request(corpus, table, TableFormat.DELTA, null, MONDAY, 5));
    assertEquals(8 * 3, first.counts().rowsWritten());
    assertEquals(8 * 3, rerun.counts().rowsWritten());

    // history: one commit per run, newest first, each carrying its run's id, as the manifests say
    List<Row> history = DeltaTable.forPath(spark, table).history().orderBy("version")
        .select("version", "userMetadata", "operation").collectAsList();
    assertEquals(3, history.size(), history.toString());
    List<ScoreJob.Result> runs = List.of(first, other, rerun);
    for (int i = 0; i < 3; i++) {
      assertEquals(runs.get(i).runId(), history.get(i).getString(1));
      assertEquals(history.get(i).getLong(0), runs.get(i).summary().table().version());
      assertEquals("delta", runs.get(i).summary().table().format());
    }

    // the rerun replaced Monday only: Tuesday's rows are those of its own run, unchanged
    Map<String, String> now = LakeRuns.rows(spark.read().format("delta").load(table));
    assertEquals(8 * 3 * 2, now.size());
    now.forEach((k, v) -> assertTrue(v.startsWith((k.endsWith(MONDAY.toString()) ? rerun : other).runId()), k + v));
    beforeRerun.forEach((k, v) -> {
      if (k.endsWith(TUESDAY.toString())) {
        assertEquals(v, now.get(k), k);
      }
    });

    // time travel: the version before the rerun still has Monday as the first run wrote it
    Map<String, String> monday = at(table, first.summary().table().version());
    assertEquals(8 * 3, monday.size());
    monday.forEach((k, v) -> assertEquals(v, beforeRerun.get(k), k));
    assertNotEquals(LakeRuns.withoutRunId(monday).get(monday.keySet().iterator().next()),
        LakeRuns.withoutRunId(now).get(monday.keySet().iterator().next()), "top 3 against top 5");
  }

  /** The session's Delta commits to local tables go through the log store that excludes other JVMs. */
  @Test
  void aLocalTableCommitsThroughTheLinkingLogStore() {
    String table = tmp.resolve("delta").toString();
    org.apache.spark.sql.delta.storage.LogStore store = org.apache.spark.sql.delta.DeltaLog.forTable(spark, table)
        .store();
    Object used = store instanceof org.apache.spark.sql.delta.storage.DelegatingLogStore d
        ? d.getDelegate(new org.apache.hadoop.fs.Path(tmp.resolve("delta").toUri())) : store;
    assertTrue(used instanceof org.apache.spark.sql.delta.storage.LogStoreAdaptor a
        && a.logStoreImpl() instanceof LinkingLogStore, "Delta's log store for " + table + ": " + used);
  }

  @Test
  void sameRowsAndColumnsAsTheParquetTable() {
    String delta = tmp.resolve("same-delta").toString();
    String parquet = tmp.resolve("same-parquet").toString();
    ScoreJob.run(spark, LakeRuns.request(corpus, delta, TableFormat.DELTA, null, MONDAY, 5));
    ScoreJob.run(spark, LakeRuns.request(corpus, parquet, TableFormat.PARQUET, null, MONDAY, 5));
    var d = spark.read().format("delta").load(delta);
    var p = spark.read().parquet(parquet);
    assertEquals(List.of(p.columns()).stream().sorted().toList(), List.of(d.columns()).stream().sorted().toList());
    TableSchema.check(d.schema(), delta);
    assertEquals(LakeRuns.withoutRunId(LakeRuns.rows(p)), LakeRuns.withoutRunId(LakeRuns.rows(d)));
  }

  @Test
  void aFolderThatIsNotADeltaTableIsRefused() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "not a table");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(spark,
        LakeRuns.request(corpus, foreign.toString(), TableFormat.DELTA, null, MONDAY, 5)));
    assertTrue(e.getMessage().contains("is not a Delta table") && e.getMessage().contains("notes.txt"),
        e.getMessage());
  }

  @Test
  void aDeltaTableIsReadAsInputByItsFolder() {
    String table = tmp.resolve("corpus-delta").toString();
    spark.read().parquet(corpus).write().format("delta").save(table);
    String out = tmp.resolve("from-delta").toString();
    String ref = tmp.resolve("from-parquet").toString();
    ScoreJob.run(spark, LakeRuns.request(table, out, TableFormat.PARQUET, null, MONDAY, 5));
    ScoreJob.run(spark, LakeRuns.request(corpus, ref, TableFormat.PARQUET, null, MONDAY, 5));
    assertEquals(LakeRuns.withoutRunId(LakeRuns.rows(spark.read().parquet(ref))),
        LakeRuns.withoutRunId(LakeRuns.rows(spark.read().parquet(out))));
  }
}
