package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** {@code lsm score --report}, {@code lsm report} and {@code lsm export} end to end on the golden model. */
class ReportCommandTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  @TempDir Path tmp;

  private static int run(ByteArrayOutputStream err, String... args) {
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args);
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void scoreWritesTheReportBesideTheManifestAndReportAndExportReadTheRun() throws Exception {
    // three conversations of 12 real turns: turns 10 and 11 have a full window of context
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(GOLDEN.resolve("windows.jsonl"));
    List<String> corpus = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      ObjectNode conv = json.createObjectNode().put("dialogue_id", "conv-" + c);
      var turns = conv.putArray("turns");
      json.readTree(lines.get(c)).get("turns").forEach(turns::add);
      json.readTree(lines.get(c + 3)).get("turns").forEach(t -> {
        if (turns.size() < 12) {
          turns.add(t);
        }
      });
      corpus.add(json.writeValueAsString(conv));
    }
    Path input = tmp.resolve("corpus.jsonl");
    Files.write(input, corpus);
    String out = tmp.resolve("out").toString();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, run(err, "score", "--model", GOLDEN.resolve("model").toString(), "--input", input.toString(),
        "--output", out, "--master", "local[2]", "--report"), err.toString(StandardCharsets.UTF_8));

    Path runs = Path.of(out, "_runs");
    String runId;
    try (Stream<Path> s = Files.list(runs)) {
      runId = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).findFirst().orElseThrow()
          .replace(".json", "");
    }
    String beside = Files.readString(runs.resolve(runId + ".html"));
    assertTrue(beside.contains("<h1>Scoring run " + runId + "</h1>"), "score --report wrote no report of its run");
    assertTrue(beside.contains("<th>rows written</th><td>6</td>"));

    Path html = tmp.resolve("report.html");
    assertEquals(0, run(err, "report", "--predictions", out, "--output", html.toString(), "--master", "local[2]"));
    assertEquals(beside, Files.readString(html), "lsm report and score --report differ on the same run");

    Path csv = tmp.resolve("rows.csv");
    assertEquals(0, run(err, "export", "--predictions", out, "--run", runId, "--output", csv.toString(),
        "--master", "local[2]"));
    List<String> rows = Files.readAllLines(csv);
    assertEquals(7, rows.size(), "a header and six rows");
    assertTrue(rows.get(1).startsWith("conv-0,10,"), rows.get(1));
    assertTrue(rows.get(6).startsWith("conv-2,11,"), rows.get(6));
    Path jsonl = tmp.resolve("rows.jsonl");
    assertEquals(0, run(err, "export", "--predictions", out, "--output", jsonl.toString(), "--master", "local[2]"));
    JsonNode first = json.readTree(Files.readAllLines(jsonl).get(0));
    assertEquals(runId, first.get("run_id").asText());
    assertEquals(5, first.get("top_k").size());
  }

  @Test
  void anExportFormatThatIsNeitherIsRefusedBeforeSparkStarts() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run(err, "export", "--predictions", "p", "--output", "rows.parquet"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(
        "--output rows.parquet: name it .jsonl or .csv, or give --format jsonl|csv"), err.toString());
    err.reset();
    assertEquals(2, run(err, "export", "--predictions", "p", "--output", "rows.csv", "--format", "xml"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--format must be jsonl or csv, got 'xml'"));
  }
}
