package org.lsmspark.spark;

import java.io.Serializable;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.tokenizer.DecodeMode;

/**
 * How windows are formed and scored on the executors; validated, immutable, and small (it
 * travels with every task).
 */
public record ScoreSettings(WindowMode mode, int minContext, int batchSize, int topK, int cacheSize,
    long cacheMemoryBytes, boolean legacyMode, DecodeMode decode, double decodeCheckRate) implements Serializable {

  /** {@code minContext} value meaning: the window size in mode all, 1 in mode last. */
  public static final int DEFAULT_MIN_CONTEXT = -1;

  public ScoreSettings {
    if (mode == null) {
      throw new IllegalArgumentException("mode must be 'all' or 'last'");
    }
    if (minContext < DEFAULT_MIN_CONTEXT) {
      throw new IllegalArgumentException("min-context must be 0 or more, got " + minContext);
    }
    if (batchSize < 1 || batchSize > EngineOptions.MAX_BATCH_SIZE_LIMIT) {
      throw new IllegalArgumentException("batch-size must be in [1, " + EngineOptions.MAX_BATCH_SIZE_LIMIT + "], got "
          + batchSize);
    }
    if (topK < 1 || topK > EngineOptions.MAX_TOP_K) {
      throw new IllegalArgumentException("top-k must be in [1, " + EngineOptions.MAX_TOP_K + "], got " + topK);
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cache-size must be 0 or more, got " + cacheSize);
    }
    if (cacheMemoryBytes < 0) {
      throw new IllegalArgumentException("cache-memory must be 0 or more, got " + cacheMemoryBytes);
    }
    if (decode == null) {
      throw new IllegalArgumentException("decode must be 'exact' or 'approximate'");
    }
    if (!(decodeCheckRate >= 0 && decodeCheckRate <= 1)) {
      throw new IllegalArgumentException("decode-check-rate must be in [0, 1], got " + decodeCheckRate);
    }
  }

  /** Settings with the exact decode (the default). */
  public ScoreSettings(WindowMode mode, int minContext, int batchSize, int topK, int cacheSize, long cacheMemoryBytes,
      boolean legacyMode) {
    this(mode, minContext, batchSize, topK, cacheSize, cacheMemoryBytes, legacyMode, DecodeMode.EXACT,
        EngineOptions.DEFAULT_DECODE_CHECK_RATE);
  }

  /** The earlier turns a turn needs to be scored, for a model of window {@code window}. */
  public int minContext(int window) {
    if (minContext != DEFAULT_MIN_CONTEXT) {
      return minContext;
    }
    return mode == WindowMode.ALL ? window : 1;
  }
}
