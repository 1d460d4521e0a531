package org.lsmspark.cli;

import org.lsmspark.inference.EngineOptions;
import picocli.CommandLine.Option;

/** The inference engine's options shared by the commands that score; defaults are the engine's. */
final class EngineOptionsMixin {
  @Option(names = "--batch-size", defaultValue = "" + EngineOptions.DEFAULT_MAX_BATCH_SIZE,
      description = "Windows per model call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--top-k", defaultValue = "" + EngineOptions.DEFAULT_TOP_K,
      description = "Candidates per prediction, at most " + EngineOptions.MAX_TOP_K + " (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--cache-size", defaultValue = "" + EngineOptions.DEFAULT_CACHE_SIZE,
      description = "Most entries per engine cache (per executor under Spark); 0 disables caching (default: ${DEFAULT-VALUE}).")
  int cacheSize;

  @Option(names = "--cache-memory", defaultValue = (EngineOptions.DEFAULT_CACHE_MEMORY_BYTES >> 20) + "m",
      description = "Most bytes all caches hold together (per executor under Spark), e.g. 268435456, 512k, 256m, 1g;"
          + " 0 disables caching (default: ${DEFAULT-VALUE}).")
  String cacheMemory;

  @Option(names = "--legacy-mode",
      description = "The unoptimized baseline: eager load, no caches, one window at a time. Same output.")
  boolean legacyMode;

  /** {@code --cache-memory} in bytes; a bad value is refused naming the option. */
  long cacheMemoryBytes() {
    return Options.bytes("--cache-memory", cacheMemory);
  }
}
