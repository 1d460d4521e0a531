package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineCachesTest {
  private static final EngineOptions BASE = EngineOptions.forModel("m");

  @Test
  void eachCacheGetsItsShareOfTheBudgetAndTheEntryBound() {
    EngineCaches c = new EngineCaches(BASE.toBuilder().cacheSize(100).cacheMemoryBytes(10_000).build());
    List<CacheStats> s = c.stats();
    assertEquals(List.of(InferenceEngine.PREDICTION_CACHE, InferenceEngine.EMBEDDING_CACHE,
        InferenceEngine.DECODE_CACHE, InferenceEngine.SIMILARITY_CACHE), s.stream().map(CacheStats::name).toList());
    assertEquals(List.of(4000L, 3000L, 1500L, 1500L), s.stream().map(CacheStats::maxBytes).toList());
    for (CacheStats one : s) {
      assertTrue(one.enabled(), one.name());
      assertEquals(100, one.maxEntries(), one.name());
    }
  }

  @Test
  void legacyModeOrAZeroBoundSwitchesEveryCacheOff() {
    for (EngineOptions o : List.of(BASE.toBuilder().legacyMode(true).build(), BASE.toBuilder().cacheSize(0).build(),
        BASE.toBuilder().cacheMemoryBytes(0).build())) {
      EngineCaches c = new EngineCaches(o);
      assertFalse(c.predictions().enabled(), o.toString());
      assertFalse(c.embeddings().enabled(), o.toString());
      assertFalse(c.decodings().enabled(), o.toString());
      assertFalse(c.similarities().enabled(), o.toString());
    }
  }

  @Test
  void entriesBytesTrimAndClearCoverEveryCache() {
    EngineCaches c = new EngineCaches(BASE.toBuilder().cacheSize(100).cacheMemoryBytes(1 << 20).build());
    for (int i = 0; i < 4; i++) {
      c.embeddings().get("text " + i, t -> new float[8]);
      c.similarities().get(new EmbeddingKey(new float[] {i}, 3), k -> List.of());
    }
    assertEquals(8, c.entries());
    long bytes = c.weightedBytes();
    assertEquals(c.embeddings().weightedBytes() + c.similarities().weightedBytes(), bytes);
    assertTrue(bytes > 0);
    c.trim(0.5);
    assertEquals(4, c.entries());
    assertEquals(2, c.stats().get(1).evictions());
    c.clear();
    assertEquals(0, c.entries());
    assertEquals(0, c.weightedBytes());
  }
}
