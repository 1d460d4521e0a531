package org.lsmspark.inference;

/**
 * A snapshot of one engine cache: lookups and hits since the engine was built, entries removed
 * to respect a bound or a heap trim ({@code evictions}), the current entries and their estimated
 * bytes, the bounds, and the time spent computing the values that were missing.
 */
public record CacheStats(String name, boolean enabled, long requests, long hits, long evictions,
    long entries, long estimatedBytes, long maxEntries, long maxBytes, double loadSeconds) {

  public long misses() {
    return requests - hits;
  }

  /** Hits over requests; 0 before the first request. */
  public double hitRate() {
    return requests == 0 ? 0.0 : (double) hits / requests;
  }

  /** A cache that is switched off (legacy mode, or a zero bound). */
  public static CacheStats disabled(String name) {
    return new CacheStats(name, false, 0, 0, 0, 0, 0, 0, 0, 0.0);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%s cache: %d requests, %d hits (%.1f%%), %d evictions, %d entries, %.2f MiB of %.2f MiB, %.3f s computing misses",
        name, requests, hits, 100 * hitRate(), evictions, entries, estimatedBytes / 1048576.0, maxBytes / 1048576.0,
        loadSeconds);
  }
}
