package org.lsmspark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Locale;
import org.lsmspark.inference.CacheStats;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.inference.EngineStats;
import org.lsmspark.inference.InferenceEngine;
import org.lsmspark.inference.WindowResult;
import org.lsmspark.tokenizer.DecodeMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lsm predict}: next-turn predictions for windows given as JSON lines. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Predicts the next turn of each window in a JSON-lines file.",
      "Input lines: {\"id\": ..., \"turns\": [W strings]}. Output lines, in input order:",
      "{\"id\", \"predicted_text\", \"confidence\", \"top_k\": [{\"text\", \"score\"}...], \"embedding\"?},",
      "or {\"id\", \"error\"} for a line that cannot be scored. Exits 1 when any line failed.",
      "Prints the cache statistics, the load and scoring times and windows per second at the end."
    })
final class PredictCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ModelOption model;

  @Mixin EngineOptionsMixin engineArgs;

  @Option(names = "--input", required = true, description = "Windows, JSON lines (.gz allowed).")
  Path input;

  @Option(names = "--output", required = true, description = "Predictions, JSON lines; written atomically.")
  Path output;

  @Option(names = "--emit-embedding", description = "Also write each predicted embedding.")
  boolean emitEmbedding;

  @Option(names = "--lazy-load", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Read the model on the first prediction (default); --no-lazy-load reads it up front.")
  boolean lazyLoad;

  @Mixin DecodeOptionsMixin decodeArgs;

  @Option(names = "--stats-json", paramLabel = "FILE",
      description = "Also write the statistics as JSON: load_seconds, scoring_seconds, windows, windows_per_second, one object per cache.")
  Path statsJson;

  @Override
  public Integer call() throws IOException {
    Options.positive("--top-k", engineArgs.topK);
    Options.positive("--batch-size", engineArgs.batchSize);
    Options.atMost("--batch-size", engineArgs.batchSize, EngineOptions.MAX_BATCH_SIZE_LIMIT);
    Options.atMost("--top-k", engineArgs.topK, EngineOptions.MAX_TOP_K);
    Options.nonNegative("--cache-size", engineArgs.cacheSize);
    long cacheBytes = engineArgs.cacheMemoryBytes();
    DecodeMode decodeMode = decodeArgs.mode();
    double decodeCheckRate = decodeArgs.checkRate();
    if (!Files.isRegularFile(input)) {
      throw new Main.UserException("input " + input + " does not exist or is not a file");
    }
    // one chunk per core at once, one engine thread each (legacy mode: the sequential baseline)
    int cores = Runtime.getRuntime().availableProcessors();
    int slots = engineArgs.legacyMode ? 1 : cores;
    EngineOptions engineOptions = EngineOptions.builder()
        .modelLocation(model.model)
        .lazyLoad(lazyLoad)
        .cacheSize(engineArgs.cacheSize)
        .cacheMemoryBytes(cacheBytes)
        .maxBatchSize(engineArgs.batchSize)
        .legacyMode(engineArgs.legacyMode)
        .topK(engineArgs.topK)
        .decode(decodeMode)
        .decodeCheckRate(decodeCheckRate)
        .threads(cores / slots)
        .build();
    Path tmp = output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".partial");
    long windows = 0;
    long failed = 0;
    double loadSeconds;
    double seconds;
    EngineStats stats;
    try (InferenceEngine engine = new InferenceEngine(engineOptions)) {
      boolean loadedBefore = engine.isLoaded();
      long t1 = System.nanoTime();
      try (JsonLines lines = new JsonLines(input);
          PredictionLines out = new PredictionLines(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8), emitEmbedding)) {
        ChunkPipeline.Totals totals = ChunkPipeline.run(slots, () -> readChunk(lines), chunk -> score(engine, chunk),
            (chunk, results) -> write(chunk, results, out));
        windows = totals.items();
        failed = totals.failed();
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      stats = engine.stats();
      loadSeconds = stats.loadSeconds();
      // a lazy load happens inside the scoring loop; it is reported as loading, not scoring
      seconds = Math.max(0, (System.nanoTime() - t1) / 1e9 - (loadedBefore ? 0 : loadSeconds));
    }
    double perSecond = (windows - failed) / Math.max(seconds, 1e-9);
    System.err.printf(Locale.ROOT,
        "lsm predict: %d windows, %d failed, model loaded in %.2f s, scored in %.2f s (%.1f windows/s)%s -> %s%n",
        windows, failed, loadSeconds, seconds, perSecond, engineArgs.legacyMode ? ", legacy mode" : "", output);
    for (CacheStats c : stats.caches()) {
      System.err.println("lsm predict: " + (c.enabled() ? c.toString() : c.name() + " cache: off"));
    }
    if (statsJson != null) {
      writeStats(stats, loadSeconds, seconds, windows, failed, perSecond);
    }
    if (failed > 0) {
      System.err.printf("lsm predict: %d of %d lines failed; see their \"error\" field in %s%n", failed, windows, output);
    }
    return failed > 0 ? 1 : 0;
  }

  private void writeStats(EngineStats stats, double loadSeconds, double seconds, long windows, long failed,
      double perSecond) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("load_seconds", loadSeconds);
    root.put("scoring_seconds", seconds);
    root.put("windows", windows);
    root.put("failed_windows", failed);
    root.put("windows_per_second", perSecond);
    root.put("legacy_mode", engineArgs.legacyMode);
    root.put("model_windows", stats.modelWindows());
    root.put("model_batches", stats.modelBatches());
    root.put("fallbacks", stats.fallbacks());
    root.put("heap_trims", stats.heapTrims());
    DecodeJson.put(root.putObject("decode"), stats.decode());
    for (CacheStats c : stats.caches()) {
      ObjectNode o = root.putObject(c.name() + "_cache");
      o.put("enabled", c.enabled());
      o.put("requests", c.requests());
      o.put("hits", c.hits());
      o.put("misses", c.misses());
      o.put("hit_rate", c.hitRate());
      o.put("evictions", c.evictions());
      o.put("entries", c.entries());
      o.put("estimated_bytes", c.estimatedBytes());
      o.put("max_entries", c.maxEntries());
      o.put("max_bytes", c.maxBytes());
      o.put("load_seconds", c.loadSeconds());
    }
    Files.writeString(statsJson, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
        StandardCharsets.UTF_8);
  }

  /** The next chunk of at most a batch of lines (blank lines skipped); empty at the end of the input. */
  private List<WindowLine> readChunk(JsonLines lines) throws IOException {
    List<WindowLine> chunk = new ArrayList<>(engineArgs.batchSize);
    while (chunk.size() < engineArgs.batchSize) {
      JsonLines.Line line = lines.next();
      if (line == null) {
        break;
      }
      if (line.text() == null || !line.text().isBlank()) {
        chunk.add(WindowLine.parse(line));
      }
    }
    return chunk;
  }

  /** The results of a chunk's valid lines, scored together. */
  private List<WindowResult> score(InferenceEngine engine, List<WindowLine> chunk) {
    List<List<String>> windows = new ArrayList<>();
    for (WindowLine line : chunk) {
      if (line.error() == null) {
        windows.add(line.turns());
      }
    }
    return engine.predictBatch(windows, engineArgs.topK);
  }

  /** Writes every line of a chunk in order, with its result or error; returns the failures. */
  private static long write(List<WindowLine> chunk, List<WindowResult> results, PredictionLines out) throws IOException {
    long failed = 0;
    int p = 0;
    for (WindowLine line : chunk) {
      WindowResult result = line.error() == null ? results.get(p++) : null;
      String error = line.error() != null ? line.error()
          : result.isOk() ? null : "line " + line.line() + ": " + result.error();
      if (error != null) {
        out.error(line.id(), error);
        failed++;
      } else {
        out.prediction(line.id(), result.prediction());
      }
    }
    return failed;
  }
}
