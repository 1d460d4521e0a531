package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;
import org.lsmspark.spark.LsmSparkVersion;
import org.lsmspark.training.TrainingRecord;

class TrainCommandTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final Path SAMPLE = GOLDEN.getParent().getParent().getParent().resolve("main/resources/org/lsmspark/sample/sgd-sample.jsonl.gz");
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private String[] goldenFitArgs(Path out) throws Exception {
    JsonNode p = JSON.readTree(GOLDEN.resolve("tokenizer-fit/params.json").toFile());
    return new String[] {"train", "--input", GOLDEN.resolve("tokenizer-fit/corpus.jsonl").toString(),
        "--output", out.toString(), "--epochs", "0",
        "--embedding-dim", p.get("embedding_dim").asText(), "--max-features", p.get("max_features").asText(),
        "--min-df", p.get("min_df").asText(), "--ngram-max", p.get("ngram_max").asText(),
        // the README's recipe for a format-v1 model of the original's shape
        "--reservoir-units", "256,128,64", "--waveform", "rolling", "--no-input-channel", "--attention",
        "--conv-filters", "32,64,128", "--conv-kernels", "5,3,3", "--pooling", "global_average",
        "--dense-units", "256,128", "--loss", "mse"};
  }

  @Test
  void epochsZeroReproducesTheGoldenTokenizer() throws Exception {
    Path out = tmp.resolve("model");
    assertEquals(0, Main.run(goldenFitArgs(out)));
    ModelBundle got = ModelDirectory.read(out.toString());
    ModelBundle want = ModelDirectory.read(GOLDEN.resolve("model").toString());
    assertEquals(want.terms(), got.terms());
    assertEquals(want.vocabulary(), got.vocabulary());
    assertClose(WeightFiles.IDF, want, got, 1e-6);
    assertClose(WeightFiles.VOCAB_EMBEDDINGS, want, got, 1e-4);
    assertClose(WeightFiles.COMPONENTS, want, got, 1e-4);
    assertEquals(want.config().tokenizer(), got.config().tokenizer());
    assertEquals(want.config().reservoir(), got.config().reservoir(), "the v1 recipe's reservoir = the original's");
    assertEquals(want.config().waveform(), got.config().waveform(), "the v1 recipe's waveform = the original's");
    assertEquals(want.config().cnn(), got.config().cnn(), "the v1 recipe's CNN = the original's");
    assertEquals(1, got.config().formatVersion());
  }

  @Test
  void sameSeedSameBytes() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    assertEquals(0, Main.run(goldenFitArgs(a)));
    assertEquals(0, Main.run(goldenFitArgs(b)));
    List<Path> files;
    try (Stream<Path> s = Files.walk(a)) {
      // the Hadoop local file system adds hidden .crc checksum files; the model's files are the rest
      files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
          .map(a::relativize).sorted().toList();
    }
    assertEquals(50, files.size(), "48 files, model.json and the record of the run");
    // the record is the same but for when the run was and how long it took, and the machine
    ObjectNode ra = (ObjectNode) JSON.readTree(a.resolve(TrainingRecord.FILE).toFile());
    ObjectNode rb = (ObjectNode) JSON.readTree(b.resolve(TrainingRecord.FILE).toFile());
    for (ObjectNode r : List.of(ra, rb)) {
      r.remove(List.of("started", "seconds", "machine"));
    }
    assertEquals(ra, rb);
    for (Path f : files.stream().filter(f -> !f.toString().equals(TrainingRecord.FILE)).toList()) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
    }
  }

  @Test
  void invalidOptionsAreRefusedNamingTheOption() {
    String err = stderrOf(() -> assertEquals(2, Main.run("train", "--input", SAMPLE.toString(), "--output",
        tmp.resolve("m").toString(), "--conv-filters", "4,4,4", "--conv-kernels", "5,4,3")));
    assertTrue(err.contains("lsm train: error: ") && err.contains("conv_kernels must be odd"), err);
    err = stderrOf(() -> assertEquals(2, Main.run("train", "--input", SAMPLE.toString(), "--output",
        tmp.resolve("m").toString(), "--validation-split", "1.5")));
    assertTrue(err.contains("--validation-split must be in [0, 1), got 1.5"), err);
    assertTrue(Files.notExists(tmp.resolve("m")));
    err = stderrOf(() -> assertEquals(2, Main.run("evaluate", "--model", GOLDEN.resolve("model").toString(),
        "--input", SAMPLE.toString(), "--max-windows", "-1")));
    assertTrue(err.contains("--max-windows must be 0 or more, got -1"), err);
  }

  /** Spark reads the turn table; a small model trains one epoch, then evaluate writes its report. */
  @Test
  void trainAndEvaluateOnAnSgdSample() throws Exception {
    Path model = tmp.resolve("model");
    assertEquals(0, Main.run("train", "--input", SAMPLE.toString(), "--output", model.toString(),
        "--window-size", "4", "--embedding-dim", "16", "--max-features", "300", "--reservoir-units", "16,8",
        "--conv-filters", "4,4", "--conv-kernels", "3,3", "--dense-units", "8", "--epochs", "1",
        "--max-windows", "128", "--batch-size", "64", "--seed", "3"));
    ModelBundle bundle = ModelDirectory.read(model.toString());
    assertEquals(4, bundle.config().windowSize());
    assertTrue(bundle.modelId().endsWith("-seed3"));

    // how the model was made, beside it and not part of it
    JsonNode made = JSON.readTree(model.resolve(TrainingRecord.FILE).toFile());
    assertFalse(bundle.digests().containsKey(TrainingRecord.FILE));
    assertEquals(bundle.fingerprint(), made.get("fingerprint").asText());
    assertEquals(bundle.modelId(), made.get("model_id").asText());
    assertEquals(3, made.get("options").get("seed").asInt());
    assertEquals("contrastive", made.get("options").get("loss").asText());
    assertEquals(64, made.get("options").get("batch_size").asInt());
    assertEquals(SAMPLE.toString(), made.get("corpus").get("input").asText());
    List<JsonNode> turns = new ArrayList<>();
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(SAMPLE))) {
      JSON.readerFor(JsonNode.class).readValues(in).forEachRemaining(t -> turns.add((JsonNode) t));
    }
    assertEquals(turns.size(), made.get("corpus").get("turns").asInt());
    assertEquals(turns.stream().map(t -> t.get("dialogue_id").asText()).distinct().count(),
        made.get("corpus").get("conversations").asInt());
    assertEquals(128, made.get("split").get("training_windows").asInt(), "--max-windows");
    assertEquals(1, made.get("epochs").size());
    double recall = made.get("epochs").get(0).get("validation_recall@1/100").asDouble(-1);
    assertTrue(recall >= 0 && recall <= 1, made.toString());
    assertEquals(1, made.get("best_epoch").asInt());
    assertTrue(made.get("machine").get("cores").asInt() >= 1, made.toString());
    Path report = tmp.resolve("report.json");
    assertEquals(0, Main.run("evaluate", "--model", model.toString(), "--input", SAMPLE.toString(),
        "--max-windows", "50", "--output", report.toString()));
    JsonNode r = JSON.readTree(report.toFile());
    assertEquals(50, r.get("windows").asInt());
    assertEquals(bundle.fingerprint(), r.get("model_fingerprint").asText(), "what was evaluated");
    assertEquals(bundle.modelId(), r.get("model_id").asText());
    assertEquals(model.toString(), r.get("model_path").asText());
    assertEquals(SAMPLE.toString(), r.get("input").asText());
    assertEquals(50, r.get("max_windows").asInt());
    assertEquals(42, r.get("seed").asInt());
    assertEquals(LsmSparkVersion.of(), r.get("lsm_spark").asText());
    assertEquals(1.0, r.get("gold_in_vocabulary").asDouble(), "evaluated on its own training corpus");
    for (JsonNode m : List.of(r.get("model"), r.get("baselines").get("random"), r.get("baselines").get("most_frequent"),
        r.get("baselines").get("nearest_to_last"))) {
      for (String k : List.of("hit@1", "hit@5", "hit@10", "mrr", "mean_confidence")) {
        assertTrue(m.has(k), k + " in " + m);
      }
      assertTrue(m.get("hit@1").asDouble() <= m.get("hit@5").asDouble());
      assertTrue(m.get("hit@5").asDouble() <= m.get("hit@10").asDouble());
    }
    assertEquals(3, r.get("baselines").size());
  }

  private static void assertClose(String file, ModelBundle want, ModelBundle got, double tol) {
    Tensor w = want.tensor(file);
    Tensor g = got.tensor(file);
    assertArrayEquals(w.shape(), g.shape(), file);
    for (int i = 0; i < w.size(); i++) {
      if (Math.abs(w.get(i) - g.get(i)) > tol * Math.max(1, Math.abs(w.get(i)))) {
        fail(file + "[" + i + "]: " + g.get(i) + ", expected " + w.get(i));
      }
    }
  }

  private static String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
