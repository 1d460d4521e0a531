package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lsmspark.model.ModelFormatException;

/** Inputs nobody checked: every row read is either in the output or in a reported count. */
class BadInputTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final StructType TURNS = new StructType().add("dialogue_id", DataTypes.StringType)
      .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);
  static SparkSession spark;
  @TempDir static Path tmp;
  static int runs;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
  }


  static ScoreJob.Result score(List<Row> rows, WindowMode mode, int minContext) {
    String in = tmp.resolve("in-" + runs).toString();
    spark.createDataFrame(rows, TURNS).write().parquet(in);
    return score(in, mode, minContext, GOLDEN.resolve("model").toString());
  }

  static ScoreJob.Result score(String in, WindowMode mode, int minContext, String model) {
    String out = tmp.resolve("out-" + runs++).toString();
    return ScoreJob.run(spark, new ScoreJob.Request(model, in, out, Corpus.Columns.defaults(),
        new ScoreSettings(mode, minContext, 16, 3, 100, 16L << 20, false), LocalDate.of(2026, 3, 4), 3, false));
  }

  static Map<String, Row> rows(ScoreJob.Result r) {
    Map<String, Row> out = new HashMap<>();
    for (Row row : spark.read().parquet(r.summary().output()).collectAsList()) {
      out.put(row.getAs("conversation_id") + "/" + row.getAs("turn_index"), row);
    }
    return out;
  }

  /** turns read = rows written + turns without enough context + turns without a key (mode all). */
  static void accountedFor(ScoreJob.Result r, long turns) {
    RunManifest.Counts c = r.counts();
    assertEquals(turns, c.turnsRead());
    assertEquals(turns, c.rowsWritten() + c.skippedShortContext() + c.turnsWithoutKey(), c.toString());
    assertEquals(c.windowsScored(), c.rowsWritten());
  }

  @Test
  void awkwardTextsAreScoredOrReported() {
    String mb = "word ".repeat(200_000) + "end";
    String[] texts = {
      "hello there", null, "", "   \t  ", mb, "ctrl\u0000\u0007\u001b[31m chars\r\n", "Привет, как дела? 你好吗",
      "I love it 😀👍🏽 🇫🇷", "مرحبا بالعالم", "plain again", "and another", "more words here", "last one",
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      rows.add(RowFactory.create("c1", i, texts[i]));
    }
    ScoreJob.Result r = score(rows, WindowMode.ALL, 1);
    accountedFor(r, texts.length);
    Map<String, Row> out = rows(r);
    assertEquals(texts.length - 1, out.size());
    // the null turn is reported in every window whose context holds it
    for (int t = 2; t <= 11; t++) {
      Row row = out.get("c1/" + t);
      assertEquals("error", row.getAs("status"), "turn " + t);
      assertTrue(((String) row.getAs("error")).contains("has no text (null)"), (String) row.getAs("error"));
    }
    // the null turn itself is a target: its prediction needs only earlier turns
    assertEquals("ok", out.get("c1/1").getAs("status"));
    assertTrue(out.get("c1/1").isNullAt(out.get("c1/1").fieldIndex("actual_text")));
    assertEquals("ok", out.get("c1/12").getAs("status"), "context past the null turn is clean again");
    assertEquals(mb, out.get("c1/4").getAs("actual_text"));
  }

  @Test
  void duplicatesGapsDisorderAndShortConversations() {
    List<Row> rows = new ArrayList<>();
    int[] order = {7, 3, 0, 12, 5, 9, 1};   // gaps and no order
    for (int i : order) {
      rows.add(RowFactory.create("gappy", i, "turn number " + i));
    }
    rows.add(RowFactory.create("dup", 0, "first"));
    rows.add(RowFactory.create("dup", 1, "second"));
    rows.add(RowFactory.create("dup", 1, "second again"));
    rows.add(RowFactory.create("dup", 2, "third"));
    rows.add(RowFactory.create("single", 0, "a conversation of one turn"));
    ScoreJob.Result r = score(rows, WindowMode.ALL, 1);
    accountedFor(r, rows.size());
    RunManifest.Counts c = r.counts();
    assertEquals(1L, c.duplicateTurns());
    assertEquals(3L, c.skippedShortContext(), "the first turn of each conversation");
    Map<String, Row> out = rows(r);
    assertTrue(out.containsKey("gappy/12") && out.containsKey("gappy/1") && !out.containsKey("gappy/0"));
    assertEquals(1L, c.errors());
    long dupErrors = out.values().stream().filter(x -> "error".equals(x.getAs("status"))).count();
    assertEquals(1L, dupErrors);

    ScoreJob.Result last = score(rows, WindowMode.LAST, ScoreSettings.DEFAULT_MIN_CONTEXT);
    assertEquals(4L, last.counts().rowsWritten(), "one reply per conversation, the single-turn one included,"
        + " and the duplicate's error row");
    assertEquals(1L, last.counts().errors());
    assertTrue(rows(last).containsKey("gappy/13"), "the reply after the highest turn index");
  }

  /** Rows that belong to no conversation are counted, and the conversations' rows scored as without them. */
  @Test
  void turnsWithoutAConversationIdOrTurnIndexAreCountedNotScored() {
    List<Row> clean = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      clean.add(RowFactory.create("a", i, "turn number " + i));
    }
    List<Row> rows = new ArrayList<>(clean);
    rows.add(2, RowFactory.create(null, 3, "no conversation"));
    rows.add(5, RowFactory.create("a", null, "no index"));
    rows.add(RowFactory.create(null, null, "neither"));
    for (WindowMode mode : WindowMode.values()) {
      ScoreJob.Result expected = score(clean, mode, 1);
      ScoreJob.Result r = score(rows, mode, 1);
      assertEquals(3L, r.counts().turnsWithoutKey(), mode.toString());
      assertEquals(15L, r.counts().turnsRead(), mode.toString());
      assertEquals(0L, r.counts().errors(), mode.toString());
      if (mode == WindowMode.ALL) {
        accountedFor(r, rows.size());
      }
      Map<String, Row> want = rows(expected);
      Map<String, Row> got = rows(r);
      assertEquals(want.keySet(), got.keySet(), mode.toString());
      want.forEach((k, row) -> assertEquals((Object) row.getAs("predicted_text"), got.get(k).getAs("predicted_text"), k));
    }
  }

  /** A conversation row of null or no turns, or without an id, is counted like a turn without a key. */
  @Test
  void conversationRowsWithoutTurnsOrIdAreCounted() {
    StructType schema = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turns", DataTypes.createArrayType(DataTypes.StringType));
    List<String> turns = List.of("hello", "hi there", "book a table", "for two", "at eight", "done");
    String in = tmp.resolve("conversation-rows").toString();
    spark.createDataFrame(List.of(RowFactory.create("good", turns), RowFactory.create("none", null),
        RowFactory.create("empty", List.of()), RowFactory.create(null, List.of("x", "y"))), schema).write().parquet(in);
    ScoreJob.Result r = score(in, WindowMode.LAST, 1, GOLDEN.resolve("model").toString());
    assertEquals(6L + 1 + 1 + 2, r.counts().turnsRead());
    assertEquals(4L, r.counts().turnsWithoutKey());
    assertEquals(1L, r.counts().conversations());
    assertEquals(1L, r.counts().rowsWritten());
  }

  @Test
  void aConversationOfAHundredThousandTurnsStreams() {
    List<Row> rows = new ArrayList<>(100_000);
    for (int i = 0; i < 100_000; i++) {
      rows.add(RowFactory.create("long", i, "turn " + (i % 97) + " of a very long conversation"));
    }
    ScoreJob.Result r = score(rows, WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT);
    accountedFor(r, 100_000);
    assertEquals(100_000L - 10, r.counts().rowsWritten());
    assertEquals(0L, r.counts().errors());
  }

  @Test
  void emptyInputs() throws Exception {
    ScoreJob.Result none = score(List.of(), WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT);
    assertEquals(0L, none.counts().turnsRead());
    assertEquals(0L, none.counts().rowsWritten());
    String onlyShort = tmp.resolve("only-short").toString();
    spark.createDataFrame(List.of(RowFactory.create("a", 0, "hi")), TURNS).write().parquet(onlyShort);
    ScoreJob.Result r = score(onlyShort, WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, GOLDEN.resolve("model").toString());
    assertEquals(0L, r.counts().rowsWritten());
    assertEquals(1L, r.counts().skippedShortContext());
    Path empty = tmp.resolve("empty.jsonl");
    Files.writeString(empty, "");
    SchemaException e = assertThrows(SchemaException.class,
        () -> score(empty.toString(), WindowMode.ALL, 1, GOLDEN.resolve("model").toString()));
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
  }

  @Test
  void aBrokenModelIsRefusedBeforeAnyTaskRuns() throws Exception {
    Path model = tmp.resolve("broken-model");
    try (var files = Files.walk(GOLDEN.resolve("model"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = model.resolve(GOLDEN.resolve("model").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Files.write(model.resolve("cnn/conv0.bias.npy"), new byte[] {1, 2, 3});
    String in = tmp.resolve("in-json.jsonl").toString();
    Files.writeString(Path.of(in), "{\"dialogue_id\": \"a\", \"turn_index\": 0, \"text\": \"hi\"}\n");
    int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> score(in, WindowMode.ALL, 1, model.toString()));
    assertTrue(e.getMessage().contains("cnn/conv0.bias.npy"), e.getMessage());
    assertEquals(jobsBefore, spark.sparkContext().statusTracker().getJobIdsForGroup(null).length,
        "no Spark job may run for a refused model");
  }

  @Test
  void aForeignOutputDirectoryIsRefused() throws Exception {
    Path foreign = tmp.resolve("foreign");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("precious.csv"), "a,b\n1,2\n");
    String in = tmp.resolve("in-f").toString();
    spark.createDataFrame(List.of(RowFactory.create("a", 0, "x"), RowFactory.create("a", 1, "y")), TURNS)
        .write().mode(SaveMode.Overwrite).parquet(in);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreJob.run(spark,
        new ScoreJob.Request(GOLDEN.resolve("model").toString(), in, foreign.toString(), Corpus.Columns.defaults(),
            new ScoreSettings(WindowMode.LAST, 1, 8, 3, 10, 1 << 20, false), LocalDate.of(2026, 1, 1), 1, false)));
    assertTrue(e.getMessage().contains("precious.csv") && e.getMessage().contains("--allow-foreign-output"),
        e.getMessage());
    assertEquals(List.of("precious.csv"), List.of(foreign.toFile().list()));
    ScoreJob.Result r = ScoreJob.run(spark,
        new ScoreJob.Request(GOLDEN.resolve("model").toString(), in, foreign.toString(), Corpus.Columns.defaults(),
            new ScoreSettings(WindowMode.LAST, 1, 8, 3, 10, 1 << 20, false), LocalDate.of(2026, 1, 1), 1, true));
    assertEquals(1L, r.counts().rowsWritten());
    assertEquals("a,b\n1,2\n", Files.readString(foreign.resolve("precious.csv")));
  }
}
