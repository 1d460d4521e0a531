package org.lsmspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
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
import org.lsmspark.inference.Prediction;
import org.lsmspark.inference.WindowResult;
import org.lsmspark.tokenizer.DecodeMode;
import org.lsmspark.tokenizer.Tokenizer;
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
          BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
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

  /** The next chunk of at most a batch of items (blank lines skipped); empty at the end of the input. */
  private List<Item> readChunk(JsonLines lines) throws IOException {
    List<Item> chunk = new ArrayList<>(engineArgs.batchSize);
    while (chunk.size() < engineArgs.batchSize) {
      JsonLines.Line line = lines.next();
      if (line == null) {
        break;
      }
      if (line.text() == null || !line.text().isBlank()) {
        chunk.add(Item.parse(line));
      }
    }
    return chunk;
  }

  /** The results of a chunk's valid items, scored together. */
  private List<WindowResult> score(InferenceEngine engine, List<Item> chunk) {
    List<List<String>> windows = new ArrayList<>();
    for (Item item : chunk) {
      if (item.error == null) {
        windows.add(item.turns);
      }
    }
    return engine.predictBatch(windows, engineArgs.topK);
  }

  /** Writes every item of a chunk in order, with its result or error; returns the failures. */
  private long write(List<Item> chunk, List<WindowResult> results, BufferedWriter out) throws IOException {
    long failed = 0;
    int p = 0;
    for (Item item : chunk) {
      ObjectNode row = JSON.createObjectNode();
      row.set("id", item.id);
      WindowResult result = item.error == null ? results.get(p++) : null;
      String error = item.error != null ? item.error
          : result.isOk() ? null : "line " + item.line + ": " + result.error();
      if (error != null) {
        row.put("error", error);
        failed++;
      } else {
        write(row, result.prediction());
      }
      out.write(JSON.writeValueAsString(row));
      out.write('\n');
    }
    return failed;
  }

  private void write(ObjectNode row, Prediction prediction) {
    row.put("predicted_text", prediction.predictedText());
    row.put("confidence", prediction.confidence());
    ArrayNode top = row.putArray("top_k");
    for (Tokenizer.Candidate c : prediction.topK()) {
      top.addObject().put("text", c.text()).put("score", c.score());
    }
    if (emitEmbedding) {
      ArrayNode e = row.putArray("embedding");
      for (float v : prediction.embedding()) {
        e.add(v);
      }
    }
  }

  /** One input line: an id and a window, or an error that names what is wrong. */
  private static final class Item {
    final long line;
    final JsonNode id;
    final List<String> turns;
    final String error;

    private Item(long line, JsonNode id, List<String> turns, String error) {
      this.line = line;
      this.id = id;
      this.turns = turns;
      this.error = error;
    }

    private Item(JsonNode id, List<String> turns, String error) {
      this(-1, id, turns, error);
    }

    /** Parses one line; the engine checks the window's length against the model. */
    static Item parse(JsonLines.Line line) {
      JsonNode lineNumber = JSON.getNodeFactory().numberNode(line.number());
      if (line.error() != null) {
        return new Item(lineNumber, null, "line " + line.number() + ": " + line.error());
      }
      JsonNode node;
      try {
        node = JSON.readTree(line.text());
      } catch (IOException e) {
        return new Item(lineNumber, null, "line " + line.number() + ": invalid JSON");
      }
      if (node == null || !node.isObject()) {
        return new Item(lineNumber, null, "line " + line.number() + ": not a JSON object");
      }
      JsonNode id = node.get("id");
      if (id == null || id.isNull() || id.isContainerNode()) {
        return new Item(lineNumber, null, "line " + line.number() + ": no \"id\" (a string or number)");
      }
      JsonNode turns = node.get("turns");
      if (turns == null || !turns.isArray()) {
        return new Item(id, null, "line " + line.number() + ": no \"turns\" array");
      }
      List<String> texts = new ArrayList<>(turns.size());
      for (int i = 0; i < turns.size(); i++) {
        if (!turns.get(i).isTextual()) {
          return new Item(id, null, "line " + line.number() + ": turn " + i + " is not a string");
        }
        texts.add(turns.get(i).asText());
      }
      return new Item(line.number(), id, texts, null);
    }
  }
}
