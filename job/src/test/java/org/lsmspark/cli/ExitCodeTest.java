package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lsm score}'s exit codes, as a scheduler sees them: 0 ok, 1 rows in error, 2 usage, 3 failure. */
class ExitCodeTest {
  static final String MODEL = Path.of(System.getProperty("golden.dir")).resolve("model").toString();
  @TempDir static Path tmp;
  static Path good;
  static Path withNullTurn;

  @BeforeAll
  static void corpora() throws Exception {
    System.setProperty("spark.ui.showConsoleProgress", "false");
    System.setProperty("spark.sql.shuffle.partitions", "2");
    good = tmp.resolve("good.jsonl");
    withNullTurn = tmp.resolve("null-turn.jsonl");
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      a.add("{\"dialogue_id\": \"c1\", \"turn_index\": " + t + ", \"text\": \"turn number " + t + "\"}");
      b.add("{\"dialogue_id\": \"c1\", \"turn_index\": " + t + ", \"text\": "
          + (t == 5 ? "null" : "\"turn number " + t + "\"") + "}");
    }
    Files.write(good, a);
    Files.write(withNullTurn, b);
  }

  static int score(StringBuilder err, String input, String output, String... extra) {
    List<String> args = new ArrayList<>(List.of("score", "--model", MODEL, "--input", input, "--output", output,
        "--master", "local[2]", "--run-date", "2026-11-28"));
    args.addAll(List.of(extra));
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args.toArray(String[]::new));
    } finally {
      System.setErr(saved);
      err.append(captured.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void zeroWhenEveryRowIsScoredOneWhenSomeAreErrors() {
    StringBuilder err = new StringBuilder();
    assertEquals(ExitCode.OK, score(err, good.toString(), tmp.resolve("ok").toString()), err.toString());
    err.setLength(0);
    assertEquals(ExitCode.ROWS_IN_ERROR, score(err, withNullTurn.toString(), tmp.resolve("errors").toString()),
        err.toString());
  }

  @Test
  void twoForUsageAndBadInput() {
    StringBuilder err = new StringBuilder();
    assertEquals(ExitCode.USAGE, score(err, good.toString(), tmp.resolve("u1").toString(), "--output-format", "orc"));
    assertTrue(err.toString().contains("--output-format must be parquet, delta or iceberg, got \"orc\""), err.toString());
    err.setLength(0);
    assertEquals(ExitCode.USAGE, score(err, tmp.resolve("missing").toString(), tmp.resolve("u2").toString()));
    assertTrue(err.toString().contains("does not exist"), err.toString());
    err.setLength(0);
    assertEquals(ExitCode.USAGE, score(err, good.toString(), "preds", "--output-format", "iceberg"));
    assertTrue(err.toString().contains("is not an Iceberg table name"), err.toString());
  }

  @Test
  void threeWhenTheRunFails() {
    StringBuilder err = new StringBuilder();
    // no file system serves the scheme: an I/O failure, not the user's option syntax
    assertEquals(ExitCode.FAILURE, score(err, good.toString(), "nofs://lake/predictions"));
    assertTrue(err.toString().contains("lsm score: failed:") && err.toString().contains("nofs://lake/predictions"),
        err.toString());
  }
}
