package org.lsmspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lsmspark.spark.PredictionTable;
import org.lsmspark.spark.RunManifest;
import org.lsmspark.spark.ScoreSchema;
import org.lsmspark.spark.SparkSessions;

/** The report's figures and the export, computed with Spark from a prediction table of known rows. */
class ReportSparkTest {
  static final String ODD = "z, \"quoted\"\nline";
  static SparkSession spark;
  @TempDir static Path tmp;
  static String table;

  static StructType schema() {
    return ScoreSchema.SCORED.add("run_id", DataTypes.StringType).add("run_date", DataTypes.DateType)
        .add("services", DataTypes.createArrayType(DataTypes.StringType));
  }

  static Row row(String run, String conv, int turn, String predicted, Float confidence, String actual,
      List<String> topK, String status, List<String> services) {
    List<Row> candidates = topK == null ? null
        : topK.stream().map(t -> RowFactory.create(t, 0.5f)).toList();
    return RowFactory.create(conv, turn, predicted, confidence, candidates, actual, "m1",
        Timestamp.valueOf("2026-11-28 10:00:00"), status, "error".equals(status) ? "bad <window>" : null, run,
        Date.valueOf("2026-11-28"), services);
  }

  static List<Row> rows() {
    List<String> hotels = List.of("Hotels_1");
    return List.of(
        row("new", "a", 1, "x", 0.12f, "x", List.of("x", "y"), "ok", hotels),
        row("new", "a", 2, "x", 0.97f, "y", List.of("x", "y"), "ok", hotels),
        row("new", "a", 3, "y", 1.0f, ODD, List.of("y"), "ok", hotels),
        row("new", "b", 25, "x", -0.02f, null, List.of("x"), "ok", List.of("Hotels_1", "Flights_2")),
        row("new", "b", 26, null, null, null, null, "error", List.of("Flights_2")),
        row("new", "c", 21, "x", 0.5f, "x", List.of("x"), "ok", null),
        row("zzz-old", "a", 1, "q", 0.9f, "q", List.of("q"), "ok", hotels),
        row("zzz-old", "d", 1, "q", 0.9f, "q", List.of("q"), "error", hotels));
  }

  static String writeTable(String name, int partitions) throws Exception {
    String path = tmp.resolve(name).toString();
    spark.createDataFrame(rows(), schema()).repartition(partitions).write().partitionBy("run_date").parquet(path);
    Path runs = Files.createDirectories(tmp.resolve(name).resolve("_runs"));
    Files.writeString(runs.resolve("new.json"), Reports.withDecode(Reports.manifest("new")).toJson());
    RunManifest old = Reports.manifest("zzz-old");
    Files.writeString(runs.resolve("zzz-old.json"), new RunManifest(old.runId(), old.modelId(), old.modelFingerprint(),
        old.model(), old.input(), old.output(), old.runDate(), "2026-11-27T10:00:00Z", old.options(), old.counts(),
        old.modelLoadsPerExecutor(), old.engines(), old.durations(), old.windowsPerSecond()).toJson());
    return path;
  }

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("spark.kryo.registrationRequired", "true");
    System.setProperty("spark.sql.shuffle.partitions", "4");
    System.setProperty("spark.ui.showConsoleProgress", "false");
    spark = SparkSessions.create("lsm tests", "local[2]");
    table = writeTable("one", 1);
  }

  @Test
  void theLatestRunIsReadAndItsFiguresAreCounted() {
    ScoringRun run = ScoringRun.open(spark, PredictionTable.open(spark, "parquet", table, null), null);
    assertEquals("new", run.manifest().runId(), "the run that finished last, not the last id");
    assertEquals("approximate", run.manifest().engines().decode().mode(), "the newer manifest has the decode");
    assertEquals(null, ScoringRun.open(spark, PredictionTable.open(spark, "parquet", table, null), "zzz-old")
        .manifest().engines().decode(), "the older manifest has none, and still loads");
    RunReport r = RunReport.of(run, null);
    assertEquals(java.util.Map.of("ok", 5L, "error", 1L), r.statusCounts());
    assertEquals(List.of(new RunReport.Agreement("1", 1, 1, 1), new RunReport.Agreement("2", 1, 0, 1),
        new RunReport.Agreement("3", 1, 0, 0), new RunReport.Agreement("20+", 1, 1, 1)), r.byPosition());
    assertEquals("services", r.groupColumn());
    assertEquals(List.of(new RunReport.Agreement("Hotels_1", 3, 1, 2), new RunReport.Agreement("(none)", 1, 1, 1)),
        r.byGroup());
    assertEquals(List.of(new RunReport.Frequent("x", 4), new RunReport.Frequent("y", 1)), r.frequent());
    // bins of 0.05 from the lowest confidence's (-0.05) to 1; 1.0 goes into the last
    assertEquals(21, r.confidence().size());
    assertEquals(-0.05, r.confidence().get(0).lo(), 1e-12);
    long[] counts = r.confidence().stream().mapToLong(RunReport.Bin::count).toArray();
    long[] expected = new long[21];
    expected[0] = 1;
    expected[3] = 1;
    expected[11] = 1;
    expected[20] = 2;
    assertEquals(Arrays.toString(expected), Arrays.toString(counts));
    assertEquals(6, r.examples().size());
    RunReport.Example a3 = r.examples().stream().filter(e -> e.conversationId().equals("a") && e.turnIndex() == 3)
        .findFirst().orElseThrow();
    assertEquals(List.of("x", "y"), a3.context());
    assertEquals(List.of(new RunReport.Candidate("y", 0.5)), a3.topK());
    RunReport.Example error = r.examples().get(5);
    assertEquals("error", error.status());
    assertEquals("bad <window>", error.error());
  }

  @Test
  void theReportDoesNotDependOnPartitioning() throws Exception {
    String five = writeTable("five", 5);
    RunReport one = RunReport.of(ScoringRun.open(spark, PredictionTable.open(spark, "parquet", table, null), "new"), null);
    assertEquals(one, RunReport.of(ScoringRun.open(spark, PredictionTable.open(spark, "parquet", five, null), "new"), null));
  }

  @Test
  void anExplicitGroupColumnAndAnEarlierRun() throws Exception {
    RunReport old = RunReport.of(ScoringRun.open(spark, PredictionTable.open(spark, "parquet", table, null), "zzz-old"), "model_id");
    assertEquals(java.util.Map.of("ok", 1L, "error", 1L), old.statusCounts());
    assertEquals(List.of(new RunReport.Agreement("m1", 1, 1, 1)), old.byGroup());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunReport.of(ScoringRun.open(spark, PredictionTable.open(spark, "parquet", table, null), "new"), "domain"));
    assertTrue(e.getMessage().startsWith("--group-col domain: prediction table " + table + " has no such column"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ScoringRun.open(spark, PredictionTable.open(spark, "parquet", table, null), "nope"));
    assertTrue(e.getMessage().contains("run nope has no manifest") && e.getMessage().contains("_runs/nope.json"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> PredictionTable.open(spark, "parquet", tmp.resolve("absent").toString(), null));
    assertTrue(e.getMessage().startsWith("no parquet prediction table " + tmp.resolve("absent")), e.getMessage());
    Path noRuns = Files.createDirectories(tmp.resolve("no-runs"));
    e = assertThrows(IllegalArgumentException.class,
        () -> ScoringRun.open(spark, PredictionTable.open(spark, "parquet", noRuns.toString(), null), null));
    assertTrue(e.getMessage().startsWith("no run manifests:"), e.getMessage());
  }

  @Test
  void exportWritesTheRunsRowsInOrderAsJsonLinesAndCsv() throws Exception {
    ScoringRun run = ScoringRun.open(spark, PredictionTable.open(spark, "parquet", table, null), null);
    Path jsonl = tmp.resolve("rows.jsonl");
    assertEquals(6, RowExport.write(spark, run, RowExport.Format.of(null, jsonl.toString()), jsonl.toString()));
    List<String> lines = Files.readAllLines(jsonl);
    assertEquals(6, lines.size());
    ObjectMapper json = new ObjectMapper();
    List<String> keys = new ArrayList<>();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      keys.add(n.get("conversation_id").asText() + n.get("turn_index").asInt());
    }
    assertEquals(List.of("a1", "a2", "a3", "b25", "b26", "c21"), keys);
    JsonNode a1 = json.readTree(lines.get(0));
    assertEquals("x", a1.get("top_k").get(0).get("text").asText());
    assertEquals(0.5, a1.get("top_k").get(1).get("score").asDouble());
    assertEquals(0.12f, a1.get("confidence").floatValue());
    assertEquals("2026-11-28T10:00:00Z", a1.get("scored_at").asText());
    assertEquals("2026-11-28", a1.get("run_date").asText());
    assertEquals(ODD, json.readTree(lines.get(2)).get("actual_text").asText());
    assertTrue(json.readTree(lines.get(4)).get("predicted_text").isNull());

    Path csv = tmp.resolve("rows.csv");
    RowExport.write(spark, run, RowExport.Format.of(null, csv.toString()), csv.toString());
    String text = Files.readString(csv);
    assertTrue(text.startsWith("conversation_id,turn_index,predicted_text,confidence,top_k,actual_text,model_id,"
        + "scored_at,status,error,run_id,services,run_date\r\n"), text);
    assertTrue(text.contains("\r\na,1,x,0.12,\"[{\"\"text\"\":\"\"x\"\",\"\"score\"\":0.5},{\"\"text\"\":\"\"y\"\","
        + "\"\"score\"\":0.5}]\",x,m1,2026-11-28T10:00:00Z,ok,,new,\"[\"\"Hotels_1\"\"]\",2026-11-28\r\n"), text);
    assertTrue(text.contains(",\"z, \"\"quoted\"\"\nline\","), text);
    assertFalse(Files.exists(tmp.resolve(".rows.csv.partial")), "the partial file was left behind");
    assertFalse(Files.exists(tmp.resolve(".rows.csv.crc")), "a checksum file beside the export");
  }
}
