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
    assertEquals(o.toString(), o.toBuilder().build().toString());
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
    refused(b -> b.modelLocation(" "), "modelLocation must not be blank");
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
