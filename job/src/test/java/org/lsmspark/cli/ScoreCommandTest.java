package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.tokenizer.DecodeMode;
import org.lsmspark.spark.Corpus;
import org.lsmspark.spark.RunManifest;
import org.lsmspark.spark.ScoreJob;

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
  void sharedOptionsDefaultToTheEnginesAndTheCorpusDefaults() {
    ScoreCommand score = new ScoreCommand();
    new picocli.CommandLine(score).parseArgs("--model", "m", "--input", "i", "--output", "o");
    ScoreJob.Request r = score.request();
    assertEquals(Corpus.Columns.defaults(), r.columns());
    assertEquals(EngineOptions.DEFAULT_TOP_K, r.settings().topK());
    assertEquals(EngineOptions.DEFAULT_MAX_BATCH_SIZE, r.settings().batchSize());
    assertEquals(EngineOptions.DEFAULT_CACHE_SIZE, r.settings().cacheSize());
    assertEquals(EngineOptions.DEFAULT_CACHE_MEMORY_BYTES, r.settings().cacheMemoryBytes());
    assertEquals("local[*]", score.master.master);
    PredictCommand predict = new PredictCommand();
    new picocli.CommandLine(predict).parseArgs("--model", "m", "--input", "i", "--output", "o", "--top-k", "7");
    assertEquals(7, predict.engineArgs.topK);
    assertEquals(EngineOptions.DEFAULT_CACHE_MEMORY_BYTES, predict.engineArgs.cacheMemoryBytes());
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
    assertTrue(fails("--decode", "roughly").contains("--decode: decode mode must be exact or approximate"));
    assertTrue(fails("--decode-check-rate", "1.5").contains("--decode-check-rate must be between 0 and 1, got 1.5"));
  }

  @Test
  void theDecodeIsExactByDefaultAndReachesTheSettings() {
    ScoreCommand score = new ScoreCommand();
    new picocli.CommandLine(score).parseArgs("--model", "m", "--input", "i", "--output", "o");
    assertEquals(DecodeMode.EXACT, score.request().settings().decode());
    assertEquals(EngineOptions.DEFAULT_DECODE_CHECK_RATE, score.request().settings().decodeCheckRate());
    ScoreCommand approx = new ScoreCommand();
    new picocli.CommandLine(approx).parseArgs("--model", "m", "--input", "i", "--output", "o", "--decode",
        "approximate", "--decode-check-rate", "1", "--incremental", "--checkpoint", "cp", "--output-format", "delta");
    assertEquals(DecodeMode.APPROXIMATE, approx.request().settings().decode());
    assertEquals(1.0, approx.request().settings().decodeCheckRate());
  }

  @Test
  void theSummaryNamesTheDecodeAndItsRecall() {
    assertEquals("exact decode", ScoreCommand.decodeSummary(new RunManifest.Decode("exact", 0.01, 0, null, null)));
    assertEquals("approximate decode, 8 embeddings checked against exact (rate 1.0): recall@1 0.8750, recall@5 0.9500",
        ScoreCommand.decodeSummary(new RunManifest.Decode("approximate", 1.0, 8, 0.875, 0.95)));
    assertEquals("decode not recorded", ScoreCommand.decodeSummary(null));
  }
}
