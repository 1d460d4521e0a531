package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ParallelEmbedderTest {
  private static List<List<String>> windows(int n) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(List.of("turn " + i));
    }
    return out;
  }

  /** {@code embed} of every window, in order, stored as the engine's callers store results. */
  private static float[][] embedAll(ParallelEmbedder e, List<List<String>> windows, Function<List<String>, float[]> embed) {
    float[][] out = new float[windows.size()][];
    e.forEachIndex(out.length, i -> out[i] = embed.apply(windows.get(i)));
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
        float[][] out = embedAll(e, windows(3 * threads), w -> {
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
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> embedAll(e, windows(9), w -> {
        if (w.get(0).equals("turn 5")) {
          throw new IllegalArgumentException("turn 5 cannot be embedded");
        }
        return fake(w);
      }));
      assertEquals("turn 5 cannot be embedded", ex.getMessage());
      assertArrayEquals(new float[] {4}, embedAll(e, windows(5), ParallelEmbedderTest::fake)[4], "still usable");
    }
  }

  @Test
  void aThreadCountBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ParallelEmbedder(0));
  }

  /**
   * The decode's pools: the engine's thread count (not the machine's); callers that overlap (Spark
   * tasks sharing an executor's engine) each hold a pool of their own, one after another they share
   * one; all stop with the embedder. A single shared pool, the previous design, made the tasks'
   * decodes wait for each other and fails here.
   */
  @Test
  void overlappingCallersDecodeOnPoolsOfTheirOwnWithTheEngineThreads() throws Exception {
    ParallelEmbedder e = new ParallelEmbedder(3);
    CountDownLatch both = new CountDownLatch(2);
    Callable<ForkJoinPool> hold = () -> e.onForkJoinPool(pool -> {
      both.countDown();
      try {
        assertTrue(both.await(30, TimeUnit.SECONDS), "the other caller never came");
      } catch (InterruptedException ex) {
        throw new IllegalStateException(ex);
      }
      return pool;
    });
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      Future<ForkJoinPool> a = callers.submit(hold);
      Future<ForkJoinPool> b = callers.submit(hold);
      assertTrue(a.get() != b.get(), "two overlapping callers on one pool");
      assertEquals(3, a.get().getParallelism());
      assertEquals(3, b.get().getParallelism());
    } finally {
      callers.shutdownNow();
    }
    ForkJoinPool again = e.onForkJoinPool(pool -> pool);
    assertEquals(again, e.onForkJoinPool(pool -> pool), "one caller at a time reuses a pool");
    assertEquals(2, e.forkJoinPools(), "pools made: as many as callers overlapped");
    e.close();
    assertTrue(again.isShutdown());
    assertThrows(IllegalStateException.class, () -> e.onForkJoinPool(pool -> pool));
  }
}
