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

  /** Three conversations of 12 real turns: turns 10 and 11 have a full window of context. */
  private Path corpus() throws Exception {
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
    return input;
  }

  @Test
  void scoreWritesTheReportBesideTheManifestAndReportAndExportReadTheRun() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path input = corpus();
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
    assertTrue(beside.contains("<th>decode</th><td>exact, check rate 0.01</td>"), "the run's decode, exact by default");

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
  void reportAndExportReadDeltaAndIcebergTables() throws Exception {
    Path input = corpus();
    String model = GOLDEN.resolve("model").toString();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String parquet = tmp.resolve("parquet").toString();
    assertEquals(0, run(err, "score", "--model", model, "--input", input.toString(), "--output", parquet,
        "--run-date", "2026-07-08", "--master", "local[2]"), err.toString(StandardCharsets.UTF_8));
    List<String> expected = exportWithoutRunId(err, "--predictions", parquet);

    // Delta, found by its log; scored twice for the date so the folder also holds the first run's removed files
    String delta = tmp.resolve("delta").toString();
    for (int i = 0; i < 2; i++) {
      assertEquals(0, run(err, "score", "--model", model, "--input", input.toString(), "--output", delta,
          "--output-format", "delta", "--run-date", "2026-07-08", "--master", "local[2]", "--report"),
          err.toString(StandardCharsets.UTF_8));
    }
    assertEquals(expected, exportWithoutRunId(err, "--predictions", delta));
    try (Stream<Path> s = Files.list(Path.of(delta, "_runs"))) {
      assertEquals(2, s.filter(p -> p.toString().endsWith(".html")).count(), "score --report beside each manifest");
    }

    String warehouse = tmp.resolve("warehouse").toString();
    assertEquals(0, run(err, "score", "--model", model, "--input", input.toString(), "--output", "preds.daily",
        "--output-format", "iceberg", "--warehouse", warehouse, "--run-date", "2026-07-08", "--master", "local[2]",
        "--report"),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(expected, exportWithoutRunId(err, "--predictions", "preds.daily", "--warehouse", warehouse));
    try (Stream<Path> s = Files.walk(Path.of(warehouse))) {
      assertEquals(1, s.filter(p -> p.toString().endsWith(".html") && p.getParent().endsWith("_runs")).count(),
          "score --report beside the Iceberg table's manifest");
    }
    Path html = tmp.resolve("iceberg.html");
    assertEquals(0, run(err, "report", "--predictions", "preds.daily", "--table-format", "iceberg", "--warehouse",
        warehouse, "--output", html.toString(), "--master", "local[2]"), err.toString(StandardCharsets.UTF_8));
    assertTrue(Files.readString(html).contains("<th>rows written</th><td>6</td>"));

    err.reset();
    assertEquals(2, run(err, "report", "--predictions", "preds.none", "--warehouse", warehouse, "--output",
        html.toString(), "--master", "local[2]"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("no iceberg prediction table lsm.preds.none"),
        err.toString(StandardCharsets.UTF_8));
  }

  /** The latest run's rows exported as CSV, its run id and times blanked so that runs of one model compare equal. */
  private List<String> exportWithoutRunId(ByteArrayOutputStream err, String... table) throws Exception {
    Path csv = Files.createTempFile(tmp, "rows", ".csv");
    List<String> args = new ArrayList<>(List.of("export", "--output", csv.toString(), "--master", "local[2]"));
    args.addAll(List.of(table));
    assertEquals(0, run(err, args.toArray(String[]::new)), err.toString(StandardCharsets.UTF_8));
    List<String> rows = Files.readAllLines(csv);
    assertEquals(7, rows.size(), "a header and six rows: " + rows);
    return rows.stream().map(r -> r.replaceAll("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "RUN")
        .replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "SCORED_AT")).toList();
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
