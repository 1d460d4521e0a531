package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.CacheStats;
import org.lsmspark.inference.DecodeStats;
import org.lsmspark.inference.EngineStats;
import org.lsmspark.tokenizer.DecodeMode;

class EngineStatsAccumulatorTest {
  static EngineStats stats(double loadSeconds, long windows, long requests, long hits, long entries, long bytes) {
    return new EngineStats(true, loadSeconds, windows, 0, windows - hits, 1, 0, 0,
        List.of(new CacheStats("prediction", true, requests, hits, 1, entries, bytes, 100, 1 << 20, 0.0)),
        new DecodeStats(DecodeMode.EXACT, 0, 0, 0, 0, 0));
  }

  static final EngineStats ZERO = stats(0, 0, 0, 0, 0, 0);

  static EngineStats withDecode(EngineStats s, long checked, long top1, long top5, long expected) {
    return new EngineStats(s.loaded(), s.loadSeconds(), s.windows(), s.failedWindows(), s.modelWindows(),
        s.modelBatches(), s.fallbacks(), s.heapTrims(), s.caches(),
        new DecodeStats(DecodeMode.APPROXIMATE, 0.5, checked, top1, top5, expected));
  }

  /** Recall is pooled over executors from counts since each baseline, not averaged or taken since the JVM began. */
  @Test
  void decodeRecallSumsTheChecksSinceTheBaselineOverExecutors() {
    EngineStatsAccumulator acc = new EngineStatsAccumulator();
    acc.add(EngineStatsAccumulator.Snapshot.of("1", 1, withDecode(ZERO, 14, 12, 60, 70), withDecode(ZERO, 4, 4, 20, 20)));
    acc.add(EngineStatsAccumulator.Snapshot.of("2", 1, withDecode(ZERO, 30, 15, 100, 150), withDecode(ZERO, 0, 0, 0, 0)));
    RunManifest.Decode d = acc.summed(DecodeMode.APPROXIMATE, 0.5).decode();
    assertEquals("approximate", d.mode());
    assertEquals(0.5, d.checkRate());
    assertEquals(40L, d.checked());
    assertEquals(23 / 40.0, d.recallAt1(), 1e-12);
    assertEquals(140 / 200.0, d.recallAt5(), 1e-12);
    assertEquals(1, acc.summed(DecodeMode.APPROXIMATE, 0.5).caches().size(), "the decode counts are not a cache");
    RunManifest.Decode none = new EngineStatsAccumulator().summed(DecodeMode.EXACT, 0.01).decode();
    assertEquals(0L, none.checked());
    assertEquals(null, none.recallAt1(), "no recall before anything was checked");
  }

  @Test
  void aNewerSnapshotWinsEvenWhenATrimShrankItsEntriesAndBytes() {
    EngineStatsAccumulator acc = new EngineStatsAccumulator();
    acc.add(EngineStatsAccumulator.Snapshot.of("1", 1, stats(0.5, 10, 10, 0, 10, 10_000), ZERO));
    acc.add(EngineStatsAccumulator.Snapshot.of("1", 2, stats(0.5, 12, 12, 2, 0, 0), ZERO));
    assertEquals(12L, acc.value().get("1").values().get("prediction.requests"));
    // in whatever order they arrive
    EngineStatsAccumulator reversed = new EngineStatsAccumulator();
    reversed.add(EngineStatsAccumulator.Snapshot.of("1", 2, stats(0.5, 12, 12, 2, 0, 0), ZERO));
    reversed.add(EngineStatsAccumulator.Snapshot.of("1", 1, stats(0.5, 10, 10, 0, 10, 10_000), ZERO));
    assertEquals(acc.value(), reversed.value());
  }

  @Test
  void countersAreSinceTheBaselineAndTheCachesStateIsAsItIs() {
    EngineStatsAccumulator.Snapshot s = EngineStatsAccumulator.Snapshot.of("7", 1,
        stats(0.5, 30, 25, 9, 40, 4_000), stats(0.5, 20, 20, 5, 35, 3_500));
    assertEquals(10L, s.values().get("windows"));
    assertEquals(5L, s.values().get("prediction.requests"));
    assertEquals(4L, s.values().get("prediction.hits"));
    assertEquals(0L, s.values().get("prediction.evictions"));
    assertEquals(0L, s.values().get("load_millis"), "the engine loaded before the baseline");
    assertEquals(40L, s.values().get("prediction.entries"));
    assertEquals(4_000L, s.values().get("prediction.estimated_bytes"));
  }

  @Test
  void summedAddsTheNewestOfEachExecutor() {
    EngineStatsAccumulator acc = new EngineStatsAccumulator();
    acc.add(EngineStatsAccumulator.Snapshot.of("1", 1, stats(0.5, 10, 10, 0, 10, 100), ZERO));
    acc.add(EngineStatsAccumulator.Snapshot.of("2", 1, stats(0.25, 6, 6, 3, 3, 30), ZERO));
    EngineStatsAccumulator other = new EngineStatsAccumulator();
    other.add(EngineStatsAccumulator.Snapshot.of("1", 5, stats(0.5, 14, 14, 2, 12, 120), ZERO));
    acc.merge(other);
    RunManifest.Engines sum = acc.summed(DecodeMode.EXACT, 0.01);
    assertEquals(2, sum.executors());
    assertEquals(20L, sum.windows());
    assertEquals(750L, sum.loadMillis());
    RunManifest.Cache prediction = sum.caches().get("prediction");
    assertEquals(20L, prediction.requests());
    assertEquals(5L, prediction.hits());
    assertEquals(0.25, prediction.hitRate(), 1e-12);
    assertEquals(15L, prediction.entries());
    assertTrue(acc.copy().value().equals(acc.value()));
    acc.reset();
    assertTrue(acc.isZero());
  }
}
