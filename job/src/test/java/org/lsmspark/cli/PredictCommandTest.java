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

class PredictCommandTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void goldenWindowsPassTheIndependentChecker() throws Exception {
    Path out = tmp.resolve("predictions.jsonl");
    int code = Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", GOLDEN.resolve("windows.jsonl").toString(), "--output", out.toString(),
        "--emit-embedding", "--batch-size", "7");
    assertEquals(0, code);
    Process p = new ProcessBuilder("python3", GOLDEN.resolve("check_predictions.py").toString(),
        GOLDEN.resolve("expected.jsonl").toString(), out.toString()).redirectErrorStream(true).start();
    String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), report);
    assertTrue(report.strip().endsWith("46 passed, 0 failed"), report);
  }

  @Test
  void malformedLinesBecomeErrorRowsAndTheRestIsScored() throws Exception {
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
    int code = Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", input.toString(), "--output", out.toString());
    assertEquals(1, code);
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
    assertTrue(rows.get(3).get("error").asText().contains("1 turns, the model's window is 10"));
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
    assertFalse(Files.exists(out));
  }
}
