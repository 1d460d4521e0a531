package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.inference.Prediction;
import org.lsmspark.model.ModelDirectory;

class ScoreJobTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final String MODEL = GOLDEN.resolve("model").toString();
  static SparkSession spark;
  static List<List<String>> conversations;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkTestSession.get();
    // conversations of 10 to 14 turns built from the golden windows' real turns
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(GOLDEN.resolve("windows.jsonl"));
    conversations = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      List<String> turns = new ArrayList<>();
      for (JsonNode t : json.readTree(lines.get(i)).get("turns")) {
        turns.add(t.asText());
      }
      for (JsonNode t : json.readTree(lines.get(i + 12)).get("turns")) {
        if (turns.size() < 10 + i % 5) {
          turns.add(t.asText());
        }
      }
      conversations.add(turns);
    }
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < conversations.size(); c++) {
      for (int t = 0; t < conversations.get(c).size(); t++) {
        rows.add(RowFactory.create("conv-" + c, t, conversations.get(c).get(t)));
      }
    }
    Collections.shuffle(rows, new java.util.Random(3));
    StructType schema = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(tmp.resolve("turns").toString());
    List<Row> convRows = new ArrayList<>();
    for (int c = 0; c < conversations.size(); c++) {
      convRows.add(RowFactory.create("conv-" + c, conversations.get(c)));
    }
    StructType convSchema = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turns", DataTypes.createArrayType(DataTypes.StringType));
    spark.createDataFrame(convRows, convSchema).write().parquet(tmp.resolve("conversations").toString());
  }


  static ScoreJob.Request request(String input, String output, int partitions, int batch, WindowMode mode) {
    return new ScoreJob.Request(MODEL, input, output, Corpus.Columns.defaults(),
        new ScoreSettings(mode, ScoreSettings.DEFAULT_MIN_CONTEXT, batch, 5, 1000, 64L << 20, false),
        LocalDate.of(2026, 11, 28), partitions, false);
  }

  /** conversation/turn → predicted text, confidence and top-k texts, for comparisons. */
  static Map<String, String> read(String output) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : spark.read().parquet(output).collectAsList()) {
      String key = r.getAs("conversation_id") + "/" + r.getAs("turn_index") + "@" + r.getAs("run_date");
      String value = r.getAs("status") + "|" + r.getAs("predicted_text") + "|" + r.getAs("confidence") + "|"
          + topK(r) + "|" + r.getAs("actual_text");
      if (out.put(key, value) != null) {
        throw new AssertionError("duplicate row " + key);
      }
    }
    return out;
  }

  static String topK(Row r) {
    if (r.isNullAt(r.fieldIndex("top_k"))) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (Row c : r.<Row>getList(r.fieldIndex("top_k"))) {
      b.append(c.getString(0)).append('=').append(c.getFloat(1)).append(';');
    }
    return b.toString();
  }

  @Test
  void everyWindowIsScoredExactlyAsTheCoreScoresIt() throws Exception {
    String out = tmp.resolve("out-a").toString();
    ScoreJob.Result result = ScoreJob.run(spark, request(tmp.resolve("turns").toString(), out, 3, 64, WindowMode.ALL));
    long expectedWindows = conversations.stream().mapToLong(c -> Math.max(0, c.size() - 10)).sum();
    assertEquals(expectedWindows, result.counts().windowsScored());
    assertEquals(expectedWindows, result.counts().rowsWritten());
    long turns = conversations.stream().mapToLong(List::size).sum();
    assertEquals(turns, result.counts().turnsRead());
    assertEquals(turns, result.counts().windowsScored() + result.counts().skippedShortContext());
    assertEquals(0L, result.counts().errors());

    LsmModel lsm = LsmModel.of(ModelDirectory.read(MODEL));
    Map<String, String> actual = read(out);
    assertEquals(expectedWindows, actual.size());
    for (int c = 0; c < conversations.size(); c++) {
      List<String> turnsOf = conversations.get(c);
      for (int t = 10; t < turnsOf.size(); t++) {
        Prediction p = lsm.predict(List.of(turnsOf.subList(t - 10, t)), 5).get(0);
        String v = actual.get("conv-" + c + "/" + t + "@2026-11-28");
        StringBuilder top = new StringBuilder();
        p.topK().forEach(x -> top.append(x.text()).append('=').append(x.score()).append(';'));
        assertEquals("ok|" + p.predictedText() + "|" + p.confidence() + "|" + top + "|" + turnsOf.get(t), v,
            "conv-" + c + "/" + t);
      }
    }
    Path manifest = Path.of(result.manifest().replace("file:", ""));
    assertEquals(result.summary(), RunManifest.fromJson(Files.readString(manifest), manifest.toString()));
    assertEquals(LsmSparkVersion.of(), result.summary().lsmSpark());
  }

  /**
   * --decode approximate reaches the executors' engines: with a check rate of 1 every window
   * that reaches a model is also decoded exactly, and the manifest (written and read back) has
   * the mode, the rate and the pooled recall.
   */
  @Test
  void anApproximateDecodeRunHasItsRecallInTheManifest() throws Exception {
    String out = tmp.resolve("out-approximate").toString();
    ScoreJob.Request r = new ScoreJob.Request(MODEL, tmp.resolve("turns").toString(), out, Corpus.Columns.defaults(),
        new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 8, 5, 0, 0, false,
            org.lsmspark.tokenizer.DecodeMode.APPROXIMATE, 1.0),
        LocalDate.of(2026, 11, 28), 2, false);
    ScoreJob.Result result = ScoreJob.run(spark, r);
    RunManifest.Decode d = result.summary().engines().decode();
    assertEquals("approximate", d.mode());
    assertEquals(1.0, d.checkRate());
    assertEquals(result.summary().engines().modelWindows(), d.checked(), "caching off: every window checked");
    assertTrue(d.checked() > 0);
    assertTrue(d.recallAt1() >= 0 && d.recallAt1() <= 1, "recall@1 " + d.recallAt1());
    assertTrue(d.recallAt5() >= 0 && d.recallAt5() <= 1, "recall@5 " + d.recallAt5());
    Path manifest = Path.of(result.manifest().replace("file:", ""));
    JsonNode decode = new ObjectMapper().readTree(Files.readString(manifest)).get("engines").get("decode");
    assertEquals(d.recallAt1(), decode.get("recall@1").asDouble());
    assertEquals(d.recallAt5(), decode.get("recall@5").asDouble());
  }

  @Test
  void sameOutputForAnyPartitioningAndBatchSizeAndLayout() {
    String turns = tmp.resolve("turns").toString();
    Map<String, String> reference = null;
    int run = 0;
    for (int[] pb : new int[][] {{1, 1}, {3, 64}, {8, 1}, {8, 64}}) {
      String out = tmp.resolve("out-p" + run++).toString();
      ScoreJob.run(spark, request(turns, out, pb[0], pb[1], WindowMode.ALL));
      Map<String, String> rows = read(out);
      if (reference == null) {
        reference = rows;
      } else {
        assertEquals(reference, rows, "partitions " + pb[0] + ", batch " + pb[1]);
      }
    }
    String out = tmp.resolve("out-conv").toString();
    ScoreJob.run(spark, request(tmp.resolve("conversations").toString(), out, 2, 16, WindowMode.ALL));
    assertEquals(reference, read(out), "conversation layout");
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("lsm-score-ahead")) {
        assertDoesNotThrow(() -> t.join(60_000));
        assertFalse(t.isAlive(), t.getName() + " outlived its task");
      }
    }
  }

  /**
   * Mode last on conversations three to four windows long spread over input files, so each file
   * holds more of a conversation than a window (the rest crosses the shuffle without its text):
   * each reply is the core's prediction from the last ten turns, for any partitioning; of a turn
   * index given twice the smaller text is the context, whatever the input's order.
   */
  @Test
  void modeLastScoresTheLastWindowAsTheCoreDoesForAnyPartitioningAndOrder() {
    List<String> pool = conversations.stream().flatMap(List::stream).distinct().sorted().toList();
    List<List<String>> long_ = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      List<String> turns = new ArrayList<>();
      for (int t = 0; t < 30 + 2 * c; t++) {
        turns.add(pool.get((c * 7 + t * 3) % pool.size()));
        rows.add(RowFactory.create("long-" + c, t, turns.get(t)));
      }
      long_.add(turns);
    }
    // conversation 0 repeats its last turn with another text that sorts after it, conversation 1 an early one
    List<String> last0 = long_.get(0);
    String later = pool.get(pool.size() - 1);
    assertTrue(later.compareTo(last0.get(last0.size() - 1)) > 0);
    rows.add(RowFactory.create("long-0", last0.size() - 1, later));
    rows.add(RowFactory.create("long-1", 2, "an early turn sent twice"));
    StructType schema = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);
    String spread = tmp.resolve("long-spread").toString();
    String reversed = tmp.resolve("long-reversed").toString();
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(spread);
    List<Row> backwards = new ArrayList<>(rows);
    Collections.reverse(backwards); // a single file in which the repeated text comes first
    spark.createDataFrame(backwards, schema).coalesce(1).write().parquet(reversed);

    LsmModel lsm = LsmModel.of(ModelDirectory.read(MODEL));
    Map<String, String> expected = new TreeMap<>();
    for (int c = 0; c < long_.size(); c++) {
      List<String> turns = long_.get(c);
      Prediction p = lsm.predict(List.of(turns.subList(turns.size() - 10, turns.size())), 5).get(0);
      StringBuilder top = new StringBuilder();
      p.topK().forEach(x -> top.append(x.text()).append('=').append(x.score()).append(';'));
      expected.put("long-" + c + "/" + turns.size() + "@2026-11-28",
          "ok|" + p.predictedText() + "|" + p.confidence() + "|" + top + "|null");
    }
    expected.put("long-0/" + (last0.size() - 1) + "@2026-11-28", "error|null|null|null|null");
    expected.put("long-1/2@2026-11-28", "error|null|null|null|null");
    int run = 0;
    for (String input : List.of(spread, reversed)) {
      for (int[] pb : new int[][] {{1, 4}, {3, 64}}) {
        String out = tmp.resolve("out-last-" + run++).toString();
        ScoreJob.Result r = ScoreJob.run(spark, request(input, out, pb[0], pb[1], WindowMode.LAST));
        String where = input + ", partitions " + pb[0] + ", batch " + pb[1];
        assertEquals(expected, read(out), where);
        assertEquals(rows.size(), r.counts().turnsRead(), where);
        assertEquals(2L, r.counts().duplicateTurns(), where);
      }
    }
  }

  @Test
  void rerunOfADateReplacesOnlyThatPartition() {
    String turns = tmp.resolve("turns").toString();
    String out = tmp.resolve("out-rerun").toString();
    ScoreJob.run(spark, request(turns, out, 2, 32, WindowMode.LAST));
    Map<String, String> first = read(out);
    ScoreJob.Request other = request(turns, out, 2, 32, WindowMode.LAST);
    ScoreJob.run(spark, new ScoreJob.Request(other.model(), other.input(), other.output(), other.columns(),
        other.settings(), LocalDate.of(2026, 11, 27), 2, false));
    ScoreJob.run(spark, request(turns, out, 5, 7, WindowMode.LAST));
    Map<String, String> all = read(out);
    assertEquals(2 * conversations.size(), all.size());
    Map<String, String> sameDate = new TreeMap<>(all);
    sameDate.keySet().removeIf(k -> !k.endsWith("@2026-11-28"));
    assertEquals(first, sameDate);
    assertEquals(conversations.size(), spark.read().parquet(out).where("run_date = '2026-11-28'")
        .select("run_id").distinct().count() * conversations.size());
  }

  @Test
  void theScorerIsASparkMlPipelineStage() {
    LsmScorer scorer = new LsmScorer().setModelPath(MODEL).setConversationCol("dialogue_id").setBatchSize(32);
    org.apache.spark.ml.Pipeline pipeline = new org.apache.spark.ml.Pipeline()
        .setStages(new org.apache.spark.ml.PipelineStage[] {scorer});
    Dataset<Row> input = spark.read().parquet(tmp.resolve("turns").toString());
    Dataset<Row> out = pipeline.fit(input).transform(input);
    assertEquals(ScoreSchema.SCORED, out.schema());
    long expected = conversations.stream().mapToLong(c -> Math.max(0, c.size() - 10)).sum();
    assertEquals(expected, out.where("status = 'ok'").count());
    StructType wrong = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.DoubleType);
    SchemaException e = assertThrows(SchemaException.class, () -> scorer.transformSchema(wrong));
    assertTrue(e.getMessage().contains("column 'text'") && e.getMessage().contains("found double"), e.getMessage());
  }

  /** The engines' counters of a run; entries and bytes are the caches' state, the load is the first run's. */
  static RunManifest.Engines engineCounters(ScoreJob.Result r) {
    RunManifest.Engines e = r.summary().engines();
    Map<String, RunManifest.Cache> caches = new TreeMap<>();
    e.caches().forEach((name, c) -> caches.put(name, new RunManifest.Cache(0, 0, c.evictions(), c.hits(),
        c.requests(), c.hitRate())));
    return new RunManifest.Engines(e.heapTrims(), 0, e.modelWindows(), e.windows(), caches, e.executors(),
        e.decode());
  }

  static ScoreJob.Request statsRun(String input, String output, int cacheSize) {
    return new ScoreJob.Request(MODEL, input, tmp.resolve(output).toString(), Corpus.Columns.defaults(),
        new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 8, 5, cacheSize, 64L << 20, false),
        LocalDate.of(2026, 11, 28), 2, false);
  }

  @Test
  void aRunsEngineStatisticsAreThatRunsOnlyWhenAnotherRanBeforeInTheJvm() {
    String a = Corpora.golden(spark, GOLDEN, tmp.resolve("stats-a"), 6, 14, 1);
    String b = Corpora.golden(spark, GOLDEN, tmp.resolve("stats-b"), 6, 14, 2);
    // a cache size of its own gives a run an executor engine of its own; the corpora share no window
    ScoreJob.Result fresh = ScoreJob.run(spark, statsRun(b, "fresh-b", 997));
    ScoreJob.run(spark, statsRun(a, "first-a", 998));
    ScoreJob.Result second = ScoreJob.run(spark, statsRun(b, "second-b", 998));
    assertEquals(24L, fresh.summary().engines().windows());
    assertEquals(0L, second.summary().engines().loadMillis(), "the engine had loaded in the run before");
    assertEquals(engineCounters(fresh), engineCounters(second));
  }

  @Test
  void schemaErrorsNameTheColumn() throws Exception {
    String bad = tmp.resolve("bad").toString();
    spark.range(3).selectExpr("cast(id as string) as dialogue_id", "id as turn_index", "id as text")
        .write().mode(SaveMode.Overwrite).parquet(bad);
    SchemaException e = assertThrows(SchemaException.class,
        () -> ScoreJob.run(spark, request(bad, tmp.resolve("never").toString(), 1, 8, WindowMode.ALL)));
    assertTrue(e.getMessage().contains("column 'text'") && e.getMessage().contains("found bigint"), e.getMessage());
    String missing = tmp.resolve("missing").toString();
    spark.range(3).selectExpr("cast(id as string) as dialogue_id", "id as turn_index")
        .write().mode(SaveMode.Overwrite).parquet(missing);
    e = assertThrows(SchemaException.class,
        () -> ScoreJob.run(spark, request(missing, tmp.resolve("never").toString(), 1, 8, WindowMode.ALL)));
    assertTrue(e.getMessage().contains("column 'text'") && e.getMessage().contains("missing"), e.getMessage());
    assertTrue(!Files.exists(tmp.resolve("never")));
  }
}
