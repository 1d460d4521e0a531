package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.TestModels;

class EngineOptionsTest {
  @Test
  void defaults() {
    EngineOptions o = EngineOptions.forModel("/models/x");
    assertEquals("/models/x", o.modelLocation());
    assertNull(o.bundleSource());
    assertTrue(o.lazyLoad());
    assertEquals(10_000, o.cacheSize());
    assertEquals(256L << 20, o.cacheMemoryBytes());
    assertEquals(256, o.maxBatchSize());
    assertFalse(o.legacyMode());
    assertEquals(5, o.topK());
    assertEquals(0.85, o.heapTrimFraction());
    assertEquals(Runtime.getRuntime().availableProcessors(), o.threads());
    assertTrue(o.cachesEnabled());
    assertNull(o.indexCache(), "no index cache setting: the system property decides");
    assertEquals(o.toString(), o.toBuilder().build().toString());
    assertEquals("/local/idx", o.toBuilder().indexCache("/local/idx").build().toBuilder().build().indexCache());
  }

  @Test
  void theThreadCountIsKeptAndHonouredByTheEngine() {
    EngineOptions o = EngineOptions.builder().bundle(TestModels.builder().build()).threads(3).build();
    assertEquals(3, o.threads());
    assertEquals(3, o.toBuilder().build().threads());
    assertEquals(EngineOptions.MAX_THREADS, o.toBuilder().threads(EngineOptions.MAX_THREADS).build().threads());
    try (InferenceEngine engine = new InferenceEngine(o)) {
      assertEquals(3, engine.embedderThreads());
    }
    try (InferenceEngine legacy = new InferenceEngine(o.toBuilder().legacyMode(true).build())) {
      assertEquals(1, legacy.embedderThreads(), "legacy mode is one thread");
    }
  }

  @Test
  void oneBoundForTopK() {
    assertEquals(1_000, EngineOptions.MAX_TOP_K);
    assertEquals(EngineOptions.MAX_TOP_K, EngineOptions.forModel("m").toBuilder().topK(EngineOptions.MAX_TOP_K)
        .build().topK());
  }

  @Test
  void cachesAreOffInLegacyModeOrWithAZeroBound() {
    EngineOptions o = EngineOptions.forModel("m");
    assertFalse(o.toBuilder().legacyMode(true).build().cachesEnabled());
    assertFalse(o.toBuilder().cacheSize(0).build().cachesEnabled());
    assertFalse(o.toBuilder().cacheMemoryBytes(0).build().cachesEnabled());
  }

  @Test
  void everyBadValueIsRefusedNamingTheOptionAndItsRange() {
    refused(b -> b.cacheSize(-1), "cacheSize must be between 0 and");
    refused(b -> b.cacheMemoryBytes(-5), "cacheMemoryBytes must be between 0 and");
    refused(b -> b.maxBatchSize(0), "maxBatchSize must be between 1 and 65536 windows, got 0");
    refused(b -> b.maxBatchSize(1 << 20), "maxBatchSize must be between 1 and 65536");
    refused(b -> b.topK(0), "topK must be between 1 and 1000, got 0");
    refused(b -> b.heapTrimFraction(0), "heapTrimFraction must be above 0 and at most 1, got 0.0");
    refused(b -> b.heapTrimFraction(1.5), "heapTrimFraction");
    refused(b -> b.heapTrimFraction(Double.NaN), "heapTrimFraction");
    refused(b -> b.threads(0), "threads must be between 1 and 1024, got 0");
    refused(b -> b.threads(1025), "threads must be between 1 and 1024, got 1025");
    refused(b -> b.topK(1001), "topK must be between 1 and 1000, got 1001");
    refused(b -> b.modelLocation(" "), "modelLocation must not be blank");
    refused(b -> b.indexCache(" "), "indexCache must be a folder or \"off\", not blank");
    refused(b -> b.bundle(TestModels.builder().build()), "exclude each other");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().build());
    assertTrue(e.getMessage().contains("set modelLocation or bundleSource"), e.getMessage());
  }

  private static void refused(Consumer<EngineOptions.Builder> change, String message) {
    EngineOptions.Builder b = EngineOptions.builder().modelLocation("m");
    change.accept(b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
