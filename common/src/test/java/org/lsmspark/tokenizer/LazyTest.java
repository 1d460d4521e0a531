package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {

  @Test
  void madeOnFirstUseOnlyAndOnceForEveryThread() throws Exception {
    AtomicInteger made = new AtomicInteger();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Lazy<Object> lazy = new Lazy<>(() -> {
      made.incrementAndGet();
      inside.countDown();
      try {
        release.await(); // the other threads ask while the value is being made
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Object();
    });
    assertFalse(lazy.isMade());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> got = new ArrayList<>();
      got.add(pool.submit(lazy::get));
      inside.await();
      for (int i = 0; i < 3; i++) {
        got.add(pool.submit(lazy::get));
      }
      release.countDown();
      Object first = got.get(0).get();
      for (Future<Object> f : got) {
        assertSame(first, f.get());
      }
      assertSame(first, lazy.get());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, made.get());
    assertTrue(lazy.isMade());
  }
}
