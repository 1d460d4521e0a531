package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void reportHoldsTheOneOfHundredSection() throws Exception {
    // 400 turns of the SGD sample as one conversation of JSON strings: read without Spark
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        getClass().getResourceAsStream("/org/lsmspark/sample/sgd-sample.jsonl.gz")), StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null && lines.size() < 400; l = r.readLine()) {
        lines.add(JSON.writeValueAsString(JSON.readTree(l).get("text").asText()));
      }
    }
    Path corpus = tmp.resolve("turns.jsonl");
    Files.write(corpus, lines);
    Path model = tmp.resolve("model");
    assertEquals(0, Main.run("train", "--input", corpus.toString(), "--output", model.toString(), "--epochs", "0",
        "--window-size", "4", "--embedding-dim", "16", "--reservoir-units", "8", "--conv-filters", "4",
        "--conv-kernels", "3", "--dense-units", "8"));
    Path report = tmp.resolve("report.json");
    assertEquals(0, Main.run("evaluate", "--model", model.toString(), "--input", corpus.toString(),
        "--max-windows", "120", "--output", report.toString()));
    JsonNode j = JSON.readTree(report.toFile());
    assertEquals(120, j.get("windows").asInt());
    assertTrue(j.get("model").has("hit@10") && j.get("baselines").has("nearest_to_last"), "today's keys stay");
    JsonNode one = j.get("one_of_100");
    assertEquals(100, one.get("candidates").asInt());
    List<JsonNode> all = new ArrayList<>(List.of(one.get("model")));
    for (String b : List.of("random", "most_frequent", "nearest_to_last", "tfidf_context", "bm25")) {
      assertTrue(one.get("baselines").has(b), b);
      all.add(one.get("baselines").get(b));
    }
    for (JsonNode m : all) {
      double r1 = m.get("recall@1").asDouble();
      double r10 = m.get("recall@10").asDouble();
      double mrr = m.get("mrr").asDouble();
      assertTrue(0 <= r1 && r1 <= r10 && r10 <= 1, m.toString());
      assertTrue(mrr >= r1 && mrr <= 1 && mrr >= 0.01, m.toString());
    }
    assertTrue(one.get("baselines").get("bm25").get("recall@1").asDouble() > 0, "BM25 finds some next turns");
  }
}
