package org.lsmspark.inference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongBiFunction;

/**
 * One bounded, thread-safe engine cache over Caffeine, bounded both in entries and in estimated
 * bytes with a single weight bound: an entry weighs its estimated bytes, but at least
 * {@code maxBytes / maxEntries}, so the total weight staying within {@code maxBytes} keeps the
 * entries within {@code maxEntries} and their bytes within {@code maxBytes}. Eviction runs on the
 * writing thread, so the bounds hold as soon as a write returns.
 */
final class EngineCache<K, V> {
  private final String name;
  private final long maxEntries;
  private final long maxBytes;
  private final ToLongBiFunction<K, V> sizer;
  private final Cache<K, V> cache; // null when disabled
  private final LongAdder requests = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder trimmed = new LongAdder();
  private final LongAdder loadNanos = new LongAdder();

  EngineCache(String name, long maxEntries, long maxBytes, ToLongBiFunction<K, V> sizer) {
    this.name = name;
    this.sizer = sizer;
    boolean enabled = maxEntries > 0 && maxBytes > 0;
    this.maxEntries = enabled ? maxEntries : 0;
    this.maxBytes = enabled ? maxBytes : 0;
    if (enabled) {
      long floor = (maxBytes + maxEntries - 1) / maxEntries; // ceil: count × floor ≤ maxBytes ⇒ count ≤ maxEntries
      this.cache = Caffeine.newBuilder()
          .maximumWeight(maxBytes)
          .weigher((K k, V v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, sizer.applyAsLong(k, v))))
          .executor(Runnable::run)
          .recordStats()
          .build();
    } else {
      this.cache = null;
    }
  }

  String name() {
    return name;
  }

  boolean enabled() {
    return cache != null;
  }

  /** The cached value or null; counts one request. */
  V get(K key) {
    if (cache == null) {
      return null;
    }
    requests.increment();
    V v = cache.getIfPresent(key);
    if (v != null) {
      hits.increment();
    }
    return v;
  }

  void put(K key, V value) {
    if (cache != null) {
      cache.put(key, value);
    }
  }

  /** Adds the time spent computing values that were missing. */
  void recordLoad(long nanos) {
    if (cache != null) {
      loadNanos.add(nanos);
    }
  }

  long entries() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    return cache.estimatedSize();
  }

  long estimatedBytes() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    long total = 0;
    for (Map.Entry<K, V> e : cache.asMap().entrySet()) {
      total += sizer.applyAsLong(e.getKey(), e.getValue());
    }
    return total;
  }

  /** Removes the coldest {@code fraction} of the entries; returns how many were removed. */
  long trim(double fraction) {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    int n = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(cache.estimatedSize() * fraction));
    if (n <= 0) {
      return 0;
    }
    Policy.Eviction<K, V> eviction = cache.policy().eviction().orElseThrow();
    Map<K, V> coldest = eviction.coldest(n);
    cache.invalidateAll(coldest.keySet());
    cache.cleanUp();
    trimmed.add(coldest.size());
    return coldest.size();
  }

  void clear() {
    if (cache != null) {
      cache.invalidateAll();
      cache.cleanUp();
    }
  }

  CacheStats stats() {
    if (cache == null) {
      return CacheStats.disabled(name);
    }
    long entries = entries();
    long bytes = estimatedBytes();
    long evictions = cache.stats().evictionCount() + trimmed.sum();
    long h = hits.sum();
    long r = Math.max(requests.sum(), h);
    return new CacheStats(name, true, r, h, evictions, entries, bytes, maxEntries, maxBytes, loadNanos.sum() / 1e9);
  }
}
