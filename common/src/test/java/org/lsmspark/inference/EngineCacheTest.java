package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EngineCacheTest {
  private static final String FUTURE = CompletableFuture.class.getName();

  /** A cache of strings weighing their length, within {@code maxEntries} and {@code maxBytes}. */
  private static EngineCache<Integer, String> cache(long maxEntries, long maxBytes) {
    return new EngineCache<>("test", maxEntries, maxBytes, (k, v) -> v.length());
  }

  private static Map<Integer, String> values(Set<? extends Integer> keys, String prefix) {
    Map<Integer, String> out = new HashMap<>();
    for (Integer k : keys) {
      out.put(k, prefix + k);
    }
    return out;
  }

  @Test
  void theEntryBoundEvicts() {
    // every entry weighs at least 3000 / 3 = 1000, so the weight bound holds three entries
    EngineCache<Integer, String> c = cache(3, 3000);
    for (int i = 0; i < 10; i++) {
      c.get(i, k -> "v" + k);
    }
    CacheStats s = c.stats();
    assertEquals(3, s.entries(), s.toString());
    assertEquals(7, s.evictions(), s.toString());
    assertEquals(3000, s.estimatedBytes(), "each small entry is charged its floor");
    assertEquals(3, s.maxEntries());
    assertEquals(3000, s.maxBytes());
  }

  @Test
  void theByteBoundEvictsBeforeTheEntryBound() {
    EngineCache<Integer, String> c = cache(1000, 1000);
    for (int i = 0; i < 5; i++) {
      c.get(i, k -> "x".repeat(300));
    }
    CacheStats s = c.stats();
    assertEquals(3, s.entries(), s.toString());
    assertEquals(900, s.estimatedBytes(), s.toString());
    assertEquals(2, s.evictions(), s.toString());
  }

  @Test
  void statisticsCountAScriptedSequenceExactly() {
    EngineCache<Integer, String> c = cache(100, 1 << 20);
    List<Set<? extends Integer>> bulkCalls = new ArrayList<>();
    assertEquals("a1", c.get(1, k -> "a" + k)); // miss
    assertEquals("a1", c.get(1, k -> "other")); // hit
    assertEquals("a2", c.get(2, k -> "a" + k)); // miss
    Map<Integer, String> got = c.getAll(List.of(1, 2, 3, 3, 4, 1), keys -> {
      bulkCalls.add(Set.copyOf(keys));
      return values(keys, "b");
    }); // 1, 2 and the second 1 hit; 3, 4 and the second 3 miss
    assertEquals(Map.of(1, "a1", 2, "a2", 3, "b3", 4, "b4"), got);
    assertEquals(List.of(Set.of(3, 4)), bulkCalls, "one bulk computation, of the missing keys only");
    CacheStats s = c.stats();
    assertEquals(9, s.requests());
    assertEquals(4, s.hits());
    assertEquals(5, s.misses());
    assertEquals(0, s.evictions());
    assertEquals(4, s.entries());
    assertEquals(4 * 10_486L, s.estimatedBytes(), "four entries, each charged the floor: 2^20 / 100 rounded up");
    assertTrue(s.loadSeconds() > 0, s.toString());

    c.clear();
    s = c.stats();
    assertEquals(0, s.entries());
    assertEquals(0, s.estimatedBytes());
    assertEquals(9, s.requests(), "statistics survive a clear");
    assertEquals("c1", c.get(1, k -> "c" + k), "a cleared cache computes again");
    assertEquals(5 + 1, c.stats().misses());
  }

  @Test
  void aFailedComputationIsNeitherCachedNorHidden() {
    EngineCache<Integer, String> c = cache(100, 1 << 20);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.get(7, k -> {
      throw new IllegalStateException("cannot compute 7");
    }));
    assertEquals("cannot compute 7", e.getMessage());
    assertEquals(0, c.entries());
    assertEquals("v7", c.get(7, k -> "v" + k), "the next request computes it");

    Map<Integer, String> got = c.getAll(List.of(8, 9), keys -> Map.of(8, "v8")); // 9 failed
    assertEquals(Map.of(8, "v8"), got);
    List<Set<? extends Integer>> bulkCalls = new ArrayList<>();
    c.getAll(List.of(8, 9), keys -> {
      bulkCalls.add(Set.copyOf(keys));
      return values(keys, "w");
    });
    assertEquals(List.of(Set.of(9)), bulkCalls, "the failed key was not cached, the other was");
  }

  @Test
  void aThreadAskingForAKeyBeingComputedWaitsForThatValue() throws Exception {
    EngineCache<Integer, String> c = cache(100, 1 << 20);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger computations = new AtomicInteger();
    AtomicReference<String> firstResult = new AtomicReference<>();
    Thread first = new Thread(() -> firstResult.set(c.get(1, k -> {
      computations.incrementAndGet();
      entered.countDown();
      await(release);
      return "first";
    })));
    first.start();
    entered.await();
    AtomicReference<String> secondResult = new AtomicReference<>();
    Thread second = new Thread(() -> secondResult.set(c.get(1, k -> {
      computations.incrementAndGet();
      return "second";
    })));
    second.start();
    Parked.await(second, FUTURE); // a get-then-put cache would compute and finish instead
    release.countDown();
    first.join();
    second.join();
    assertEquals(1, computations.get(), "one computation for two threads");
    assertEquals("first", firstResult.get());
    assertEquals("first", secondResult.get());
    CacheStats s = c.stats();
    assertEquals(1, s.hits());
    assertEquals(1, s.misses());
  }

  @Test
  void bulkRequestsComputeOnlyTheKeysNoThreadIsComputing() throws Exception {
    EngineCache<Integer, String> c = cache(100, 1 << 20);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Set<Integer>> computed = new ArrayList<>();
    Thread first = new Thread(() -> c.getAll(List.of(1, 2), keys -> {
      record(computed, keys);
      entered.countDown();
      await(release);
      return values(keys, "first");
    }));
    first.start();
    entered.await();
    AtomicReference<Map<Integer, String>> second = new AtomicReference<>();
    Thread t = new Thread(() -> second.set(c.getAll(List.of(2, 3), keys -> {
      record(computed, keys);
      return values(keys, "second");
    })));
    t.start();
    Parked.await(t, FUTURE);
    release.countDown();
    first.join();
    t.join();
    assertEquals(Set.of(Set.of(1, 2), Set.of(3)), new HashSet<>(computed));
    assertEquals(Map.of(2, "first2", 3, "second3"), second.get());
  }

  @Test
  void aWaitingThreadSeesTheComputingThreadsFailure() throws Exception {
    EngineCache<Integer, String> c = cache(100, 1 << 20);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first = new Thread(() -> assertThrows(IllegalStateException.class, () -> c.get(1, k -> {
      entered.countDown();
      await(release);
      throw new IllegalStateException("window 1 is bad");
    })));
    first.start();
    entered.await();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Thread second = new Thread(() -> {
      try {
        c.get(1, k -> "second");
      } catch (RuntimeException e) {
        seen.set(e);
      }
    });
    second.start();
    Parked.await(second, FUTURE);
    release.countDown();
    first.join();
    second.join();
    assertEquals("window 1 is bad", seen.get() == null ? null : seen.get().getMessage());
    assertEquals(0, c.entries());
  }

  @Test
  void trimDropsTheColdestFractionAndCountsItAsEvictions() {
    EngineCache<Integer, String> c = cache(100, 1 << 20);
    for (int i = 0; i < 10; i++) {
      c.get(i, k -> "v" + k);
    }
    assertEquals(5, c.trim(0.5));
    CacheStats s = c.stats();
    assertEquals(5, s.entries());
    assertEquals(5, s.evictions());
    assertEquals(0, cache(0, 100).trim(0.5));
  }

  @Test
  void aDisabledCacheComputesEveryTime() {
    EngineCache<Integer, String> c = cache(10, 0);
    assertFalse(c.enabled());
    AtomicInteger computations = new AtomicInteger();
    c.get(1, k -> "v" + computations.incrementAndGet());
    assertEquals("v2", c.get(1, k -> "v" + computations.incrementAndGet()));
    assertEquals(Map.of(1, "x1", 2, "x2"), c.getAll(List.of(1, 2, 1), keys -> values(keys, "x")));
    assertEquals(CacheStats.disabled("test"), c.stats());
  }

  private static void record(List<Set<Integer>> computed, Set<? extends Integer> keys) {
    synchronized (computed) {
      computed.add(Set.copyOf(keys));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
