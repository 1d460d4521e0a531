package org.lsmspark.spark;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;
import org.lsmspark.inference.CacheStats;
import org.lsmspark.inference.DecodeStats;
import org.lsmspark.inference.EngineStats;
import org.lsmspark.tokenizer.DecodeMode;

/**
 * The latest statistics of each executor's engine over one scoring pass. Engines outlive a run
 * (one per executor JVM), so a snapshot holds the engine's counters minus their values when the
 * run first used the engine there (entries and bytes, the caches' state, are as they are). Per
 * executor the snapshot with the highest sequence number is the newest; the driver sums those.
 */
public final class EngineStatsAccumulator extends AccumulatorV2<EngineStatsAccumulator.Snapshot, Map<String, EngineStatsAccumulator.Snapshot>> {
  /** Flat figures of one engine, by name (e.g. {@code prediction.hits}), and when they were read. */
  public record Snapshot(String executor, long sequence, TreeMap<String, Long> values) implements java.io.Serializable {
    /**
     * The figures of {@code now} since {@code baseline}; {@code sequence} orders the snapshots of
     * one executor (a count, never a sum of figures: entries and bytes shrink after a trim).
     */
    static Snapshot of(String executor, long sequence, EngineStats now, EngineStats baseline) {
      TreeMap<String, Long> v = new TreeMap<>();
      v.put("windows", now.windows() - baseline.windows());
      v.put("model_windows", now.modelWindows() - baseline.modelWindows());
      v.put("heap_trims", now.heapTrims() - baseline.heapTrims());
      v.put("load_millis", Math.round((now.loadSeconds() - baseline.loadSeconds()) * 1000));
      // no dot in these names: a dotted name is a cache's
      DecodeStats d = now.decode();
      DecodeStats d0 = baseline.decode();
      v.put("decode_checked", d.checked() - d0.checked());
      v.put("decode_top1_agreed", d.top1Agreed() - d0.top1Agreed());
      v.put("decode_top5_found", d.top5Found() - d0.top5Found());
      v.put("decode_top5_expected", d.top5Expected() - d0.top5Expected());
      for (CacheStats c : now.caches()) {
        CacheStats before = baseline.cache(c.name());
        v.put(c.name() + ".requests", c.requests() - before.requests());
        v.put(c.name() + ".hits", c.hits() - before.hits());
        v.put(c.name() + ".evictions", c.evictions() - before.evictions());
        v.put(c.name() + ".entries", c.entries());
        v.put(c.name() + ".estimated_bytes", c.estimatedBytes());
      }
      return new Snapshot(executor, sequence, v);
    }
  }

  private final TreeMap<String, Snapshot> latest = new TreeMap<>();

  @Override
  public boolean isZero() {
    synchronized (latest) {
      return latest.isEmpty();
    }
  }

  @Override
  public EngineStatsAccumulator copy() {
    EngineStatsAccumulator c = new EngineStatsAccumulator();
    synchronized (latest) {
      c.latest.putAll(latest);
    }
    return c;
  }

  @Override
  public void reset() {
    synchronized (latest) {
      latest.clear();
    }
  }

  @Override
  public void add(Snapshot s) {
    synchronized (latest) {
      latest.merge(s.executor(), s, (a, b) -> b.sequence() >= a.sequence() ? b : a);
    }
  }

  @Override
  public void merge(AccumulatorV2<Snapshot, Map<String, Snapshot>> other) {
    other.value().values().forEach(this::add);
  }

  @Override
  public Map<String, Snapshot> value() {
    synchronized (latest) {
      return Collections.unmodifiableMap(new TreeMap<>(latest));
    }
  }

  /**
   * Per cache: requests, hits, hit rate, evictions, entries and estimated bytes summed over
   * executors; the sampled recall of the decode against exact, over every executor's sample.
   */
  public RunManifest.Engines summed(DecodeMode mode, double checkRate) {
    Map<String, Snapshot> snapshots = value();
    TreeMap<String, Long> sum = new TreeMap<>();
    snapshots.values().forEach(s -> s.values().forEach((k, v) -> sum.merge(k, v, Long::sum)));
    Map<String, RunManifest.Cache> caches = new TreeMap<>();
    for (String key : sum.keySet()) {
      int dot = key.indexOf('.');
      if (dot > 0) {
        String name = key.substring(0, dot);
        caches.computeIfAbsent(name, n -> {
          long requests = sum.getOrDefault(n + ".requests", 0L);
          long hits = sum.getOrDefault(n + ".hits", 0L);
          return new RunManifest.Cache(sum.getOrDefault(n + ".entries", 0L), sum.getOrDefault(n + ".estimated_bytes", 0L),
              sum.getOrDefault(n + ".evictions", 0L), hits, requests, requests == 0 ? 0.0 : hits / (double) requests);
        });
      }
    }
    DecodeStats decode = decode(sum, mode, checkRate);
    return new RunManifest.Engines(sum.getOrDefault("heap_trims", 0L), sum.getOrDefault("load_millis", 0L),
        sum.getOrDefault("model_windows", 0L), sum.getOrDefault("windows", 0L), caches, snapshots.size(),
        RunManifest.Decode.of(decode));
  }

  /**
   * The decode checks summed over executors, as counts (an incremental run adds those of its
   * micro-batches before taking the recall).
   */
  public DecodeStats decodeStats(DecodeMode mode, double checkRate) {
    TreeMap<String, Long> sum = new TreeMap<>();
    value().values().forEach(s -> s.values().forEach((k, v) -> sum.merge(k, v, Long::sum)));
    return decode(sum, mode, checkRate);
  }

  private static DecodeStats decode(Map<String, Long> sum, DecodeMode mode, double checkRate) {
    return new DecodeStats(mode, checkRate, sum.getOrDefault("decode_checked", 0L),
        sum.getOrDefault("decode_top1_agreed", 0L), sum.getOrDefault("decode_top5_found", 0L),
        sum.getOrDefault("decode_top5_expected", 0L));
  }
}
