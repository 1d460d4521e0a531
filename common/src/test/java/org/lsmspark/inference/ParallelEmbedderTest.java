package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParallelEmbedderTest {
  private static List<List<String>> windows(int n) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(List.of("turn " + i));
    }
    return out;
  }

  private static float[] fake(List<String> w) {
    return new float[] {Integer.parseInt(w.get(0).substring(5))};
  }

  @Test
  void everyThreadAskedForWorksAndTheOrderIsKept() {
    for (int threads : new int[] {1, 2, 3}) {
      // each window waits until `threads` windows are being embedded at once: fewer threads never get there
      CyclicBarrier together = new CyclicBarrier(threads);
      Set<String> names = ConcurrentHashMap.newKeySet();
      try (ParallelEmbedder e = new ParallelEmbedder(threads)) {
        float[][] out = e.embedAll(windows(3 * threads), w -> {
          names.add(Thread.currentThread().getName());
          try {
            together.await(30, TimeUnit.SECONDS);
          } catch (Exception ex) {
            throw new IllegalStateException("fewer than " + threads + " threads embed", ex);
          }
          return fake(w);
        });
        for (int i = 0; i < out.length; i++) {
          assertArrayEquals(new float[] {i}, out[i], "window " + i);
        }
        assertEquals(threads, names.size(), names.toString());
      }
    }
  }

  @Test
  void aFailingWindowFailsTheChunkWithItsOwnException() {
    try (ParallelEmbedder e = new ParallelEmbedder(2)) {
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.embedAll(windows(9), w -> {
        if (w.get(0).equals("turn 5")) {
          throw new IllegalArgumentException("turn 5 cannot be embedded");
        }
        return fake(w);
      }));
      assertEquals("turn 5 cannot be embedded", ex.getMessage());
      assertArrayEquals(new float[] {4}, e.embedAll(windows(5), ParallelEmbedderTest::fake)[4], "still usable");
    }
  }

  @Test
  void aThreadCountBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ParallelEmbedder(0));
  }

  /** The decode's pool: the engine's thread count (not the machine's), one per embedder, stopped with it. */
  @Test
  void theDecodePoolHasTheEngineThreadsAndStopsWithIt() {
    ParallelEmbedder e = new ParallelEmbedder(3);
    java.util.concurrent.ForkJoinPool pool = e.forkJoinPool();
    assertEquals(3, pool.getParallelism());
    assertTrue(pool == e.forkJoinPool(), "one pool per embedder");
    e.close();
    assertTrue(pool.isShutdown());
    assertThrows(IllegalStateException.class, e::forkJoinPool);
  }
}
