package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PredictCommandTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  /** The format-v2 fixture (stacked, input channel, flatten) beside golden-v1. */
  static final Path GOLDEN_V2 = GOLDEN.resolveSibling("golden-v2");

  @Test
  void goldenWindowsPassTheIndependentChecker() throws Exception {
    Path out = tmp.resolve("predictions.jsonl");
    int code = Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString(),
        "--emit-embedding", "--batch-size", "7");
    assertEquals(0, code);
    assertPassesTheChecker(GOLDEN, out);
  }

  @ParameterizedTest
  @CsvSource({"1, false", "7, false", "1, true", "256, true"})
  void goldenV2WindowsPassTheIndependentChecker(int batchSize, boolean legacy) throws Exception {
    Path out = tmp.resolve("predictions-v2.jsonl");
    String[] args = {"predict", "--model", GOLDEN_V2.resolve("model").toString(),
        "--input", GOLDEN_V2.resolve("windows.jsonl").toString(), "--output", out.toString(),
        "--emit-embedding", "--batch-size", Integer.toString(batchSize)};
    assertEquals(0, Main.run(legacy ? concat(args, "--legacy-mode") : args));
    assertPassesTheChecker(GOLDEN_V2, out);
  }

  private static void assertPassesTheChecker(Path out) throws Exception {
    assertPassesTheChecker(GOLDEN, out);
  }

  private static void assertPassesTheChecker(Path golden, Path out) throws Exception {
    Process p = new ProcessBuilder("python3", golden.resolve("check_predictions.py").toString(),
        golden.resolve("expected.jsonl").toString(), out.toString()).redirectErrorStream(true).start();
    String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), report);
    assertTrue(report.strip().endsWith("46 passed, 0 failed"), report);
  }

  @Test
  void legacyModeAndEveryEngineSettingWriteTheSameOutput() throws Exception {
    String[] common = {"predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--emit-embedding"};
    Path legacy = tmp.resolve("legacy.jsonl");
    assertEquals(0, Main.run(concat(common, "--output", legacy.toString(), "--legacy-mode")));
    assertPassesTheChecker(legacy);
    String[][] variants = {
      {"--batch-size", "256"},
      {"--batch-size", "1", "--no-lazy-load"},
      {"--batch-size", "5", "--cache-size", "0"},
      {"--batch-size", "3", "--cache-size", "4", "--cache-memory", "16k"},
      {"--lazy-load", "--cache-memory", "1g"},
      // the golden vocabulary (958 turns) is within the HNSW beam, so approximate is exact here
      {"--decode", "approximate", "--decode-check-rate", "1"},
    };
    for (String[] v : variants) {
      Path out = tmp.resolve("optimized.jsonl");
      assertEquals(0, Main.run(concat(concat(common, "--output", out.toString()), v)));
      assertEquals(Files.readString(legacy), Files.readString(out), String.join(" ", v));
    }
  }

  @Test
  void statsJsonHoldsTimesRatesAndOneObjectPerCache() throws Exception {
    Path out = tmp.resolve("p.jsonl");
    Path stats = tmp.resolve("stats.json");
    assertEquals(0, Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString(),
        "--batch-size", "10", "--stats-json", stats.toString()));
    JsonNode s = JSON.readTree(stats.toFile());
    assertTrue(s.get("load_seconds").asDouble() > 0);
    assertTrue(s.get("scoring_seconds").asDouble() > 0);
    assertEquals(46, s.get("windows").asLong());
    assertTrue(s.get("windows_per_second").asDouble() > 0);
    JsonNode p = s.get("prediction_cache");
    assertEquals(46, p.get("requests").asLong());
    assertEquals(1, p.get("hits").asLong(), "the fixture repeats one window");
    assertEquals(45, p.get("entries").asLong());
    assertTrue(p.get("estimated_bytes").asLong() > 0);
    for (String cache : List.of("prediction_cache", "embedding_cache", "decode_cache", "similarity_cache")) {
      JsonNode c = s.get(cache);
      for (String key : List.of("requests", "hits", "hit_rate", "evictions", "entries", "estimated_bytes", "load_seconds")) {
        assertTrue(c.has(key), cache + "." + key);
      }
    }
    assertTrue(s.get("embedding_cache").get("requests").asLong() > 0, "the fixture has turns outside the vocabulary");
    assertEquals("exact", s.get("decode").get("mode").asText());
    assertTrue(s.get("decode").get("recall@1").isNull(), "exact decoding is not checked");

    Path approxStats = tmp.resolve("approx.json");
    assertEquals(0, Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString(),
        "--decode", "approximate", "--decode-check-rate", "1", "--stats-json", approxStats.toString()));
    JsonNode a = JSON.readTree(approxStats.toFile()).get("decode");
    assertEquals("approximate", a.get("mode").asText());
    assertEquals(45, a.get("checked").asLong(), "every distinct window, the repeated one answered by the cache");
    assertEquals(1.0, a.get("recall@1").asDouble());
    assertEquals(1.0, a.get("recall@5").asDouble());
    assertTrue(Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString(), "--decode", "fuzzy") != 0);

    Path legacyStats = tmp.resolve("legacy.json");
    assertEquals(0, Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString(),
        "--legacy-mode", "--stats-json", legacyStats.toString()));
    JsonNode l = JSON.readTree(legacyStats.toFile());
    assertTrue(l.get("legacy_mode").asBoolean());
    assertFalse(l.get("prediction_cache").get("enabled").asBoolean());
    assertEquals(46, l.get("model_windows").asLong());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Batch 2 spreads the lines over four chunks, read, scored and written by turns. */
  @ParameterizedTest(name = "batch size {0}")
  @ValueSource(ints = {256, 2})
  void malformedLinesBecomeErrorRowsAndTheRestIsScored(int batchSize) throws Exception {
    List<String> good = Files.readAllLines(GOLDEN.resolve("windows.jsonl"));
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    String[] lines = {
      good.get(0),
      "{not json",
      "{\"turns\": [\"a\"]}",
      "{\"id\": \"short\", \"turns\": [\"only one\"]}",
      numberAsFirstTurn(good.get(1)),
      good.get(2),
    };
    for (String l : lines) {
      in.write(l.getBytes(StandardCharsets.UTF_8));
      in.write('\n');
    }
    in.write(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, '"', '}', '\n'});
    Path input = tmp.resolve("windows.jsonl");
    Files.write(input, in.toByteArray());
    Path out = tmp.resolve("out.jsonl");
    Path stats = tmp.resolve("stats.json");
    int code = Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", input.toString(), "--output", out.toString(), "--batch-size", Integer.toString(batchSize),
        "--stats-json", stats.toString());
    assertEquals(1, code);
    assertEquals(5, JSON.readTree(stats.toFile()).get("failed_windows").asInt());
    List<JsonNode> rows = new ArrayList<>();
    for (String l : Files.readAllLines(out)) {
      rows.add(JSON.readTree(l));
    }
    assertEquals(7, rows.size(), "every input line has an output line");
    assertEquals("w000", rows.get(0).get("id").asText());
    assertFalse(rows.get(0).has("error"));
    assertEquals(2, rows.get(1).get("id").asInt());
    assertTrue(rows.get(1).get("error").asText().contains("invalid JSON"));
    assertTrue(rows.get(2).get("error").asText().contains("no \"id\""));
    assertEquals("short", rows.get(3).get("id").asText());
    assertEquals("line 4: window has 1 turns, the model's window is 10", rows.get(3).get("error").asText());
    assertTrue(rows.get(4).get("error").asText().contains("turn 0 is not a string"));
    assertEquals("w002", rows.get(5).get("id").asText());
    assertTrue(rows.get(5).has("predicted_text"));
    assertTrue(rows.get(6).get("error").asText().contains("invalid UTF-8"));
  }

  private static String numberAsFirstTurn(String line) throws IOException {
    var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
    ((com.fasterxml.jackson.databind.node.ArrayNode) node.get("turns")).set(0, 7);
    return JSON.writeValueAsString(node);
  }

  @Test
  void badOptionsAndMissingModelFailWithoutOutput() throws IOException {
    Path out = tmp.resolve("never.jsonl");
    assertEquals(2, Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString(), "--batch-size", "0"));
    assertEquals(2, Main.run("predict", "--model", tmp.resolve("nope").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString()));
    for (String[] bad : new String[][] {{"--cache-memory", "lots"}, {"--cache-size", "-1"}, {"--batch-size", "100000"},
        {"--no-lazy-load", "--cache-memory", "99999999999999999999g"}}) {
      String[] args = concat(new String[] {"predict", "--model", GOLDEN.resolve("model").toString(),
          "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString()}, bad);
      assertEquals(2, Main.run(args), String.join(" ", bad));
    }
    assertEquals(2, Main.run("predict", "--model", tmp.resolve("nope").toString(), "--no-lazy-load",
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString()));
    assertFalse(Files.exists(out));
  }
}
