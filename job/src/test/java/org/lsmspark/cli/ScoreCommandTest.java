package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Nonsense option values fail at start, before Spark starts, with the valid range. */
class ScoreCommandTest {
  private static String fails(String... extra) {
    String[] base = {"score", "--model", "m", "--input", "i", "--output", "o"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(2, Main.run(args));
    } finally {
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void nonsenseValuesNameTheValidRange() {
    assertTrue(fails("--batch-size", "0").contains("batch-size must be in [1, 65536], got 0"));
    assertTrue(fails("--cache-size", "-5").contains("--cache-size must be 0 or more, got -5"));
    assertTrue(fails("--mode", "sometimes").contains("--mode must be 'all' or 'last', got 'sometimes'"));
    assertTrue(fails("--run-date", "28/11/2026").contains("--run-date must be a date as yyyy-MM-dd"));
    assertTrue(fails("--top-k", "0").contains("top-k must be in [1, 1000], got 0"));
    assertTrue(fails("--cache-memory", "lots").contains("--cache-memory must be a byte count"));
    assertTrue(fails("--min-context", "-2").contains("--min-context must be 0 or more"));
    assertTrue(fails("--batch-size", "ten").contains("Invalid value for option '--batch-size'"));
  }
}
