package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two executor JVMs ({@code local-cluster} mode): the model reaches both through the
 * broadcast, each deserializes it exactly once, and the rows equal a local run's.
 */
class ClusterTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = ClusterSession.start("local-cluster[2,1,1024]", Map.of());
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void eachExecutorLoadsTheBroadcastModelOnce() throws Exception {
    List<Row> rows = new ArrayList<>();
    List<String> turns = Files.readAllLines(GOLDEN.resolve("windows.jsonl"));
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (int c = 0; c < 16; c++) {
      int t = 0;
      for (var turn : json.readTree(turns.get(c)).get("turns")) {
        rows.add(RowFactory.create("c" + c, t++, turn.asText()));
      }
      for (var turn : json.readTree(turns.get(c + 16)).get("turns")) {
        rows.add(RowFactory.create("c" + c, t++, turn.asText()));
      }
    }
    StructType schema = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);
    String input = tmp.resolve("turns").toString();
    spark.createDataFrame(rows, schema).write().parquet(input);
    ScoreJob.Result r = ScoreJob.run(spark, new ScoreJob.Request(GOLDEN.resolve("model").toString(), input,
        tmp.resolve("out").toString(), Corpus.Columns.defaults(),
        new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 8, 5, 1000, 32L << 20, false),
        LocalDate.of(2026, 1, 2), 8, false));
    assertEquals(16L * 10, r.counts().windowsScored());
    assertEquals(16L * 10, r.counts().rowsWritten());
    Map<String, Long> loads = r.summary().modelLoadsPerExecutor();
    assertEquals(2, loads.size(), "executors that loaded the model: " + loads);
    loads.forEach((executor, n) -> assertEquals(1L, n, "loads on executor " + executor));
    assertTrue(!loads.containsKey("driver"), "the driver must not score: " + loads);
    assertEquals(0L, spark.read().parquet(tmp.resolve("out").toString()).where("status != 'ok'").count());
  }
}
