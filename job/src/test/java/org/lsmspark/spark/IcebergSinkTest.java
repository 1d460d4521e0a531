package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictions into an Iceberg table of the default Hadoop catalog: one tagged snapshot per run, time travel. */
class IcebergSinkTest {
  static final LocalDate MONDAY = LocalDate.of(2026, 11, 23);
  static final LocalDate TUESDAY = LocalDate.of(2026, 11, 24);
  @TempDir static Path tmp;
  static SparkSession spark;
  static String corpus;
  static String warehouse;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
    corpus = Corpora.golden(spark, LakeRuns.GOLDEN, tmp.resolve("corpus"), 8, 13, 11);
    warehouse = tmp.resolve("warehouse").toString();
  }

  static ScoreJob.Result run(String table, LocalDate date, int topK) {
    return ScoreJob.run(spark, LakeRuns.request(corpus, table, TableFormat.ICEBERG, warehouse, date, topK));
  }

  @Test
  void eachRunIsOneTaggedSnapshotAndEarlierSnapshotsStayReadable() throws Exception {
    ScoreJob.Result first = run("preds.daily", MONDAY, 3);
    ScoreJob.Result other = run("preds.daily", TUESDAY, 3);
    ScoreJob.Result rerun = run("preds.daily", MONDAY, 5);
    assertEquals(8 * 3, rerun.counts().rowsWritten());

    List<Row> snapshots = spark.sql("SELECT snapshot_id, summary['lsm.run-id'], operation FROM"
        + " lsm.preds.daily.snapshots ORDER BY committed_at").collectAsList();
    assertEquals(3, snapshots.size(), snapshots.toString());
    List<ScoreJob.Result> runs = List.of(first, other, rerun);
    for (int i = 0; i < 3; i++) {
      assertEquals(runs.get(i).runId(), snapshots.get(i).getString(1));
      assertEquals(snapshots.get(i).getLong(0), runs.get(i).summary().table().version());
    }

    Map<String, String> now = LakeRuns.rows(spark.table("lsm.preds.daily"));
    assertEquals(8 * 3 * 2, now.size());
    assertTrue(Files.exists(Path.of(warehouse, "preds", "daily", "metadata", FileLockManager.LOCK_FILE)),
        "the commits took the lock that excludes other JVMs");
    now.forEach((k, v) -> assertTrue(v.startsWith((k.endsWith(MONDAY.toString()) ? rerun : other).runId()), k + v));

    Map<String, String> before = LakeRuns.rows(spark.sql("SELECT * FROM lsm.preds.daily VERSION AS OF "
        + other.summary().table().version()));
    before.forEach((k, v) -> assertTrue(v.startsWith((k.endsWith(MONDAY.toString()) ? first : other).runId()), k));
    assertEquals(8 * 3 * 2, before.size());
    String key = before.keySet().stream().filter(k -> k.endsWith(MONDAY.toString())).findFirst().orElseThrow();
    assertNotEquals(before.get(key), now.get(key));

    // a run whose write returned but whose snapshot another commit replaced (the Hadoop catalog's
    // check-then-rename race) is told it conflicted, naming its date, not an internal error
    Table table = Spark3Util.loadIcebergTable(spark, "lsm.preds.daily");
    assertEquals(rerun.summary().table().version(),
        IcebergSink.committed(table.snapshots(), Replacement.ofDate(MONDAY, rerun.runId()), "t").version());
    TableConflictException lost = assertThrows(TableConflictException.class,
        () -> IcebergSink.committed(table.snapshots(), Replacement.ofDate(MONDAY, "a-run-that-lost"), "t"));
    assertTrue(lost.getMessage().contains("run_date " + MONDAY) && lost.getMessage().contains("a-run-that-lost"),
        lost.getMessage());

    // the manifests sit beside the table's data and metadata, under _runs/
    Path runsDir = Path.of(warehouse, "preds", "daily", ScoreJob.RUNS_DIR);
    assertTrue(Files.exists(runsDir.resolve(rerun.runId() + ".json")), runsDir.toString());
  }

  @Test
  void sameRowsAsTheParquetTableAndReadableAsInput() throws Exception {
    run("preds.same", MONDAY, 5);
    String parquet = tmp.resolve("same-parquet").toString();
    ScoreJob.run(spark, LakeRuns.request(corpus, parquet, TableFormat.PARQUET, null, MONDAY, 5));
    TableSchema.check(spark.table("lsm.preds.same").schema(), "lsm.preds.same");
    assertEquals(LakeRuns.withoutRunId(LakeRuns.rows(spark.read().parquet(parquet))),
        LakeRuns.withoutRunId(LakeRuns.rows(spark.table("lsm.preds.same"))));

    // an Iceberg corpus, read by its catalog name
    spark.read().parquet(corpus).writeTo("lsm.corpora.turns").create();
    String out = tmp.resolve("from-iceberg").toString();
    ScoreJob.Request r = LakeRuns.request("lsm.corpora.turns", out, TableFormat.PARQUET, null, MONDAY, 5);
    ScoreJob.run(spark, new ScoreJob.Request(r.model(), r.input(), r.output(), r.columns(), r.settings(), r.runDate(),
        r.partitions(), false, "iceberg", TableFormat.PARQUET, null));
    assertEquals(LakeRuns.withoutRunId(LakeRuns.rows(spark.read().parquet(parquet))),
        LakeRuns.withoutRunId(LakeRuns.rows(spark.read().parquet(out))));
  }

  @Test
  void anOperatorsHadoopCatalogCommitsUnderTheLockThatExcludesOtherJvms() throws Exception {
    try {
      // its warehouse a bare path: the lock goes by the scheme the path is given
      String key = "spark.sql.catalog.ops";
      Path folder = tmp.resolve("ops-warehouse");
      spark.conf().set(key, "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set(key + ".type", "hadoop");
      spark.conf().set(key + ".warehouse", folder.toString());
      run("ops.preds.daily", MONDAY, 3);
      assertTrue(Files.exists(folder.resolve("preds/daily/metadata").resolve(FileLockManager.LOCK_FILE)),
          "the operator's Hadoop catalog committed under the operating-system lock");
      assertEquals(FileLockManager.class.getName(), spark.conf().get(key + ".lock-impl"));

      // by implementation class too; an operator's own lock and other catalogs' types are left as they are
      spark.conf().set("spark.sql.catalog.byimpl.catalog-impl", "org.apache.iceberg.hadoop.HadoopCatalog");
      spark.conf().set("spark.sql.catalog.own.type", "hadoop");
      spark.conf().set("spark.sql.catalog.own.lock-impl", "com.example.Lock");
      spark.conf().set("spark.sql.catalog.own.warehouse", "/a/bare/path");
      spark.conf().set("spark.sql.catalog.meta.type", "hive");
      for (String c : List.of("byimpl", "own", "meta")) {
        IcebergSink.lockHadoopCommits(spark, "spark.sql.catalog." + c);
      }
      assertEquals(FileLockManager.class.getName(), spark.conf().get("spark.sql.catalog.byimpl.lock-impl"));
      assertEquals("com.example.Lock", spark.conf().get("spark.sql.catalog.own.lock-impl"));
      assertEquals("/a/bare/path", spark.conf().get("spark.sql.catalog.own.warehouse"));
      assertFalse(spark.conf().contains("spark.sql.catalog.meta.lock-impl"));
    } finally { // the session is shared with other tests
      unsetCatalogs("ops", "byimpl", "own", "meta");
    }
  }

  @Test
  void anotherWarehouseThanTheSessionsCatalogIsRefusedNotIgnored() {
    run("preds.here", MONDAY, 3); // the session's catalog lsm is rooted at the class's warehouse
    Path other = tmp.resolve("other-warehouse");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(spark,
        LakeRuns.request(corpus, "preds.there", TableFormat.ICEBERG, other.toString(), MONDAY, 3)));
    assertTrue(e.getMessage().startsWith("--warehouse " + other + " is not the warehouse of Iceberg catalog lsm"),
        e.getMessage());
    assertFalse(Files.exists(other), "nothing written there");
    assertFalse(Files.exists(Path.of(warehouse, "preds", "there")), "nor into the session's warehouse");
    // the same folder spelled with its scheme is the same warehouse
    ScoreJob.run(spark, LakeRuns.request(corpus, "preds.here", TableFormat.ICEBERG, Path.of(warehouse).toUri().toString(),
        TUESDAY, 3));
  }

  @Test
  void aCatalogTheSessionBuiltBeforeItsLockWasSetIsRefusedBeforeAnyWrite() {
    try {
      String key = "spark.sql.catalog.early";
      Path folder = tmp.resolve("early-warehouse");
      spark.conf().set(key, "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set(key + ".type", "hadoop");
      spark.conf().set(key + ".warehouse", folder.toUri().toString());
      spark.sql("CREATE NAMESPACE IF NOT EXISTS early.preds"); // a notebook's earlier use: Iceberg's in-JVM lock
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("early.preds.daily", MONDAY, 3));
      assertTrue(e.getMessage().contains("catalog early was used") && e.getMessage().contains(key + ".lock-impl="),
          e.getMessage());
      assertFalse(Files.exists(folder.resolve("preds/daily")), "nothing written");
    } finally {
      unsetCatalogs("early");
    }
  }

  private static void unsetCatalogs(String... catalogs) {
    for (String c : catalogs) {
      for (String k : List.of("", ".type", ".catalog-impl", ".warehouse", ".lock-impl")) {
        spark.conf().unset("spark.sql.catalog." + c + k);
      }
    }
  }
}
