package org.lsmspark.inference;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.ToLongBiFunction;

/**
 * One bounded, thread-safe engine cache over Caffeine, bounded both in entries and in estimated
 * bytes with a single weight bound: an entry weighs its estimated bytes, but at least
 * {@code maxBytes / maxEntries}, so the total weight staying within {@code maxBytes} keeps the
 * entries within {@code maxEntries} and their bytes within {@code maxBytes}. Eviction runs on the
 * writing thread, so the bounds hold as soon as a write returns.
 *
 * <p>Values are computed through the cache ({@link #get}, {@link #getAll}): a missing key is
 * claimed by an in-flight future before it is computed, so a second thread asking for it waits for
 * the first one's value instead of computing it again. Statistics, sizes and weights are
 * Caffeine's own; only heap trims, which Caffeine sees as explicit removals, are counted here.
 */
final class EngineCache<K, V> {
  private final String name;
  private final long maxEntries;
  private final long maxBytes;
  private final AsyncCache<K, V> cache; // null when disabled
  private final ConcurrentStatsCounter counter;
  private final LongAdder trimmed = new LongAdder();

  EngineCache(String name, long maxEntries, long maxBytes, ToLongBiFunction<K, V> sizer) {
    this.name = name;
    boolean enabled = maxEntries > 0 && maxBytes > 0;
    this.maxEntries = enabled ? maxEntries : 0;
    this.maxBytes = enabled ? maxBytes : 0;
    this.counter = new ConcurrentStatsCounter();
    if (enabled) {
      long floor = (maxBytes + maxEntries - 1) / maxEntries; // ceil: count × floor ≤ maxBytes ⇒ count ≤ maxEntries
      this.cache = Caffeine.newBuilder()
          .maximumWeight(maxBytes)
          .weigher((K k, V v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, sizer.applyAsLong(k, v))))
          .executor(Runnable::run)
          .recordStats(() -> counter)
          .buildAsync();
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

  /**
   * The value of {@code key}, computed by {@code compute} on this thread if no thread has it or is
   * computing it; a thread that finds it being computed waits for that value (or that failure).
   * Disabled, it always computes.
   */
  V get(K key, Function<? super K, ? extends V> compute) {
    if (cache == null) {
      return compute.apply(key);
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<V>[] claimed = new CompletableFuture[1];
    // the claim is an empty future, so the value is computed outside Caffeine's map lock
    CompletableFuture<V> f = cache.get(key, (k, executor) -> claimed[0] = new CompletableFuture<>());
    if (f != claimed[0]) {
      return await(f);
    }
    V v;
    try {
      v = compute.apply(key);
    } catch (RuntimeException | Error e) {
      f.completeExceptionally(e); // waiters see the same failure; Caffeine drops the entry
      throw e;
    }
    f.complete(v);
    return v;
  }

  /**
   * The values of {@code keys}: those cached or in flight on other threads, and those this call
   * claims, computed together by one call of {@code computeMissing} with the claimed keys. A key
   * that {@code computeMissing} leaves out (it failed) is absent from the result and not cached,
   * and so is a key whose computation failed on another thread. Every key asked for is a request,
   * repeats too: a hit if the key was there when the call began, else a miss.
   */
  Map<K, V> getAll(Collection<K> keys, Function<Set<? extends K>, Map<K, V>> computeMissing) {
    if (cache == null) {
      return computeMissing.apply(new LinkedHashSet<>(keys));
    }
    @SuppressWarnings("unchecked")
    Set<? extends K>[] claimed = new Set[1];
    Map<K, V> out = await(cache.getAll(keys, (missing, executor) -> {
      claimed[0] = missing;
      try {
        return CompletableFuture.completedFuture(computeMissing.apply(missing));
      } catch (RuntimeException | Error e) {
        return CompletableFuture.failedFuture(e);
      }
    }));
    recordRepeats(keys, claimed[0] == null ? Set.of() : claimed[0]);
    return out;
  }

  /** Caffeine counts each distinct key of a bulk call once; the repeats count as lookups too. */
  private void recordRepeats(Collection<K> keys, Set<? extends K> claimed) {
    Set<K> seen = new HashSet<>();
    int hits = 0;
    int misses = 0;
    for (K key : keys) {
      if (!seen.add(key)) {
        if (claimed.contains(key)) {
          misses++;
        } else {
          hits++;
        }
      }
    }
    counter.recordHits(hits);
    counter.recordMisses(misses);
  }

  /** Current entries, after pending evictions have run. */
  long entries() {
    if (cache == null) {
      return 0;
    }
    Cache<K, V> c = cache.synchronous();
    c.cleanUp();
    return c.estimatedSize();
  }

  /** The weight held (estimated bytes, each entry at least its floor), as Caffeine bounds it. */
  long weightedBytes() {
    if (cache == null) {
      return 0;
    }
    cache.synchronous().cleanUp();
    return eviction().weightedSize().orElse(0);
  }

  /** Removes the coldest {@code fraction} of the entries; returns how many were removed. */
  long trim(double fraction) {
    if (cache == null) {
      return 0;
    }
    Cache<K, V> c = cache.synchronous();
    c.cleanUp();
    int n = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(c.estimatedSize() * fraction));
    if (n <= 0) {
      return 0;
    }
    Map<K, V> coldest = eviction().coldest(n);
    c.invalidateAll(coldest.keySet());
    c.cleanUp();
    trimmed.add(coldest.size());
    return coldest.size();
  }

  /** Empties the cache; the statistics keep counting. */
  void clear() {
    if (cache != null) {
      cache.synchronous().invalidateAll();
      cache.synchronous().cleanUp();
    }
  }

  CacheStats stats() {
    if (cache == null) {
      return CacheStats.disabled(name);
    }
    long entries = entries();
    long bytes = weightedBytes();
    com.github.benmanes.caffeine.cache.stats.CacheStats s = counter.snapshot();
    return new CacheStats(name, true, s.requestCount(), s.hitCount(), s.evictionCount() + trimmed.sum(), entries,
        bytes, maxEntries, maxBytes, s.totalLoadTime() / 1e9);
  }

  private Policy.Eviction<K, V> eviction() {
    return cache.synchronous().policy().eviction().orElseThrow();
  }

  /** The future's value, or its failure as thrown by the thread that computed it. */
  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
