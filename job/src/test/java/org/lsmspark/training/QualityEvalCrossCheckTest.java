package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lsmspark.cli.Main;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.ModelDirectory;

/**
 * {@code lsm evaluate}'s 1-of-100 numbers against the project's independent implementation,
 * {@code quality_eval.py} (a copy of {@code shared/bench/quality_eval.py} in the test resources):
 * its {@code make} draws the pools, {@code lsm predict --emit-embedding} gives it the predictions,
 * and the evaluator is fed the same pools through its package-private hook (Python's generator
 * cannot be reproduced in Java). In the job module, in the evaluator's package, because it runs
 * {@code lsm predict}.
 */
class QualityEvalCrossCheckTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void recallAt1OfModelBm25AndLastTurnAgreeWithQualityEval() throws Exception {
    assumeTrue(pythonWithNumpy(), "python3 with numpy is not installed");
    Map<String, List<JsonNode>> byId = sample();
    List<String> ids = new ArrayList<>(byId.keySet()); // sorted, as quality_eval.py sorts them
    List<List<String>> train = texts(byId, ids.subList(0, 40));
    List<String> heldIds = ids.subList(80, 100);
    List<List<String>> held = texts(byId, heldIds);

    int window = 6;
    TrainingOptions o = TrainingOptions.builder().windowSize(window).embeddingDim(16).maxFeatures(2000).minDf(2)
        .reservoirUnits(List.of(24)).convFilters(List.of(4)).convKernels(List.of(3)).denseUnits(List.of(16))
        .epochs(0).seed(3).build(); // the protocol, not the model, is under test: the initial CNN will do
    Path model = tmp.resolve("model");
    ModelDirectory.write(Trainer.train(train, o).bundle(), model.toString());

    Path corpus = tmp.resolve("held.jsonl");
    List<String> lines = new ArrayList<>();
    for (String id : heldIds) {
      for (JsonNode row : byId.get(id)) {
        lines.add(JSON.writeValueAsString(row));
      }
    }
    Files.write(corpus, lines);
    Path script = tmp.resolve("bench/quality_eval.py");
    Files.createDirectories(script.getParent());
    Files.createDirectories(tmp.resolve("spec"));
    try (InputStream in = getClass().getResourceAsStream("quality_eval.py");
        InputStream stop = getClass().getResourceAsStream("/org/lsmspark/tokenizer/english_stop_words.txt")) {
      Files.copy(in, script);
      Files.copy(stop, tmp.resolve("spec/english_stop_words.txt"));
    }
    Path qe = tmp.resolve("qe");
    python(script.toString(), "make", corpus.toString(), String.valueOf(window), "1000", qe.toString(), "11");
    Path pred = tmp.resolve("pred.jsonl");
    assertEquals(0, Main.run("predict", "--model", model.toString(), "--input", qe.resolve("windows.jsonl").toString(),
        "--output", pred.toString(), "--emit-embedding"));
    JsonNode py = JSON.readTree(python(script.toString(), model.toString(), qe.resolve("windows.jsonl").toString(),
        pred.toString(), qe.resolve("gold.jsonl").toString()));

    List<String> golds = new ArrayList<>();
    List<List<String>> pools = new ArrayList<>();
    for (String l : Files.readAllLines(qe.resolve("gold.jsonl"))) {
      JsonNode g = JSON.readTree(l);
      golds.add(g.get("gold").asText());
      List<String> pool = new ArrayList<>();
      g.get("pool").forEach(t -> pool.add(t.asText()));
      pools.add(pool);
    }
    LsmModel lsm = LsmModel.of(ModelDirectory.read(model.toString()));
    Evaluator.Report r = Evaluator.evaluate(lsm, held, 0, 42,
        (distinct, g) -> {
          assertEquals(golds, g, "the same windows in the same order");
          return CandidatePools.of(g, pools);
        }, null);
    OneOfHundred.Report h = r.oneOfHundred();
    assertEquals(py.get("windows").asInt(), r.windows());
    assertTrue(r.windows() > 200, "enough windows that one disagreement shows: " + r.windows());
    // quality_eval.py rounds to 4 decimals; one window is 1/n > 0.003
    // quality_eval.py encodes unseen turns in float64, the model in float32: a gold turn whose
    // embedding equals a distractor's up to rounding (the same known terms) may go either way
    double ties = modelNearTies(lsm, held, window, golds, pools) / (double) r.windows();
    assertEquals(py.get("R@1/100 model").asDouble(), h.model().recallAt1(), ties + 5.01e-5, "model " + py);
    assertEquals(py.get("R@1/100 bm25").asDouble(), h.bm25().recallAt1(), 5.01e-5, "bm25 " + py);
    assertEquals(py.get("R@1/100 tfidf_last").asDouble(), h.nearestToLast().recallAt1(), 5.01e-5, "last turn " + py);
    assertTrue(h.bm25().recallAt1() > 0 && h.model().recallAt1() > 0 && h.nearestToLast().recallAt1() > 0,
        "every compared figure counts some hits: " + py);
  }

  /** Windows whose gold scores within 1e-6 of its best distractor under the model. */
  private static int modelNearTies(LsmModel lsm, List<List<String>> held, int window, List<String> golds,
      List<List<String>> pools) {
    List<Integer> all = new ArrayList<>();
    for (int d = 0; d < held.size(); d++) {
      all.add(d);
    }
    List<Windows.Ref> refs = Windows.of(held, all);
    int ties = 0;
    for (int w = 0; w < refs.size(); w++) {
      double[] p = CandidateTexts.unit(lsm.embedWindow(Windows.context(held, refs.get(w), window)));
      double gold = dot(CandidateTexts.unit(lsm.tokenizer().encode(golds.get(w))), p);
      double best = Double.NEGATIVE_INFINITY;
      for (String t : pools.get(w)) {
        best = Math.max(best, dot(CandidateTexts.unit(lsm.tokenizer().encode(t)), p));
      }
      ties += Math.abs(gold - best) < 1e-6 ? 1 : 0;
    }
    return ties;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static boolean pythonWithNumpy() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  private static String python(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "quality_eval.py timed out");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** The bundled SGD sample's rows by dialogue id (sorted), each dialogue's rows by turn index. */
  private static Map<String, List<JsonNode>> sample() throws Exception {
    Map<String, List<JsonNode>> byId = new TreeMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        QualityEvalCrossCheckTest.class.getResourceAsStream("/org/lsmspark/sample/sgd-sample.jsonl.gz")),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode n = JSON.readTree(line);
        byId.computeIfAbsent(n.get("dialogue_id").asText(), k -> new ArrayList<>()).add(n);
      }
    }
    byId.values().forEach(rows -> rows.sort((a, b) -> Integer.compare(a.get("turn_index").asInt(), b.get("turn_index").asInt())));
    return byId;
  }

  private static List<List<String>> texts(Map<String, List<JsonNode>> byId, List<String> ids) {
    List<List<String>> out = new ArrayList<>();
    for (String id : ids) {
      out.add(byId.get(id).stream().map(n -> n.get("text").asText()).toList());
    }
    return out;
  }
}
