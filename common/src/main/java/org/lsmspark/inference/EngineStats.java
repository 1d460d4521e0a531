package org.lsmspark.inference;

import java.util.List;

/**
 * A snapshot of an engine: whether and how fast the model loaded, how many windows it was asked
 * for, how many failed, how many reached the model, in how many model calls, how often a failed
 * batch fell back to single windows and how often the caches were trimmed, each cache, and the
 * decode mode with its sampled recall against exact.
 */
public record EngineStats(boolean loaded, double loadSeconds, long windows, long failedWindows,
    long modelWindows, long modelBatches, long fallbacks, long heapTrims, List<CacheStats> caches,
    DecodeStats decode) {

  public EngineStats {
    caches = List.copyOf(caches);
  }

  /** The statistics of the cache called {@code name} ({@code prediction}, {@code embedding}, ...). */
  public CacheStats cache(String name) {
    for (CacheStats c : caches) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no cache named " + name);
  }

  /** Estimated bytes held by all caches. */
  public long cacheBytes() {
    long total = 0;
    for (CacheStats c : caches) {
      total += c.estimatedBytes();
    }
    return total;
  }
}
