package org.lsmspark.inference;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the coldest half of every cache when heap use crosses a fraction of the maximum heap, at
 * most once per interval (one thread trims; the others go on), and logs what it freed.
 */
final class HeapTrimmer {
  private static final Logger LOG = LoggerFactory.getLogger(HeapTrimmer.class);
  private static final double TRIM_FRACTION = 0.5;
  static final long DEFAULT_MIN_INTERVAL_NANOS = 1_000_000_000L;

  /** Where heap use is read; replaceable in tests. */
  interface HeapProbe {
    long used();

    long max();

    HeapProbe RUNTIME = new HeapProbe() {
      @Override
      public long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
      }

      @Override
      public long max() {
        return Runtime.getRuntime().maxMemory();
      }
    };
  }

  private final EngineCaches caches;
  private final boolean enabled;
  private final double heapFraction;
  private final HeapProbe heap;
  private final long minIntervalNanos;
  private final AtomicLong lastTrim = new AtomicLong(Long.MIN_VALUE);
  private final LongAdder trims = new LongAdder();

  HeapTrimmer(EngineOptions options, EngineCaches caches, HeapProbe heap, long minIntervalNanos) {
    this.caches = caches;
    this.enabled = options.cachesEnabled();
    this.heapFraction = options.heapTrimFraction();
    this.heap = heap;
    this.minIntervalNanos = minIntervalNanos;
  }

  /** Trims if the heap is above its fraction and no trim ran within the interval. */
  void maybeTrim() {
    if (!enabled) {
      return;
    }
    long max = heap.max();
    long used = heap.used();
    if (max <= 0 || used <= heapFraction * max) {
      return;
    }
    long now = System.nanoTime();
    long last = lastTrim.get();
    if (last != Long.MIN_VALUE && now - last < minIntervalNanos) {
      return;
    }
    if (!lastTrim.compareAndSet(last, now)) {
      return; // another thread trims
    }
    long entriesBefore = caches.entries();
    long bytesBefore = caches.weightedBytes();
    caches.trim(TRIM_FRACTION);
    trims.increment();
    LOG.warn(String.format(Locale.ROOT,
        "heap %d of %d MiB used (%.1f%%, above %.1f%%): trimmed the caches from %d entries, %.2f MiB to %d entries, %.2f MiB",
        used >> 20, max >> 20, 100.0 * used / max, 100 * heapFraction, entriesBefore,
        bytesBefore / 1048576.0, caches.entries(), caches.weightedBytes() / 1048576.0));
  }

  /** How many trims ran. */
  long trims() {
    return trims.sum();
  }
}
