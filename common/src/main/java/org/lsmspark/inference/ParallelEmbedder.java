package org.lsmspark.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Embeds the windows of a chunk (or computes the states of its distinct turns) in parallel: the
 * calling thread and up to {@code threads - 1} pooled daemon threads take items one at a time.
 * Each result depends only on its item, so the results do not depend on the thread count. The first failure stops the others
 * and is thrown, so that the caller can fall back to scoring windows one at a time.
 */
final class ParallelEmbedder implements AutoCloseable {
  private final int threads;
  private final ExecutorService pool; // null with one thread
  /** The decode's pools ({@link #onForkJoinPool}): every one made, and those no caller holds. */
  private final List<ForkJoinPool> forkJoins = new ArrayList<>();
  private final Deque<ForkJoinPool> idleForkJoins = new ArrayDeque<>();
  private boolean closed;

  ParallelEmbedder(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, daemonThreads()) : null;
  }

  int threads() {
    return threads;
  }

  /**
   * {@code work} of every index in [0, n), each once. The callers store each result in a typed
   * array of their own: a shared generic loop storing into theirs ({@code R[]}) was recompiled by
   * the JIT whenever the other caller's array type or function came (array_check traps).
   */
  void forEachIndex(int n, IntConsumer work) {
    int workers = pool == null ? 1 : Math.min(threads, n);
    if (workers <= 1) {
      for (int i = 0; i < n; i++) {
        work.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    Runnable take = () -> { // the next index until none is left or one failed
      for (int i = next.getAndIncrement(); i < n && !failed.get(); i = next.getAndIncrement()) {
        try {
          work.accept(i);
        } catch (RuntimeException | Error e) {
          failed.set(true);
          throw e;
        }
      }
    };
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      futures.add(pool.submit(take));
    }
    RuntimeException first = null;
    try {
      take.run();
    } catch (RuntimeException e) {
      first = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof Error err) {
          throw err;
        }
        if (first == null) {
          first = c instanceof RuntimeException re ? re : new IllegalStateException(c);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while scoring a batch", e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * {@code fn} on a fork-join pool of {@code threads} daemon workers, for the decode's parallel work
   * ({@link org.lsmspark.tokenizer.Tokenizer#decodeBatch(float[][], int,
   * org.lsmspark.tokenizer.DecodeMode, ForkJoinPool)}), so that it uses the engine's threads rather
   * than the JVM's common pool, sized by the machine. Each concurrent caller borrows a pool of its
   * own: under Spark the tasks of an executor share one engine, each with the {@code threads} of
   * its slot, and one shared pool would make their decodes wait for each other (with one thread
   * per task, a single worker decoded for every task in turn). Pools are made as callers first
   * overlap, reused after, and stopped by {@link #close()}.
   */
  <R> R onForkJoinPool(Function<ForkJoinPool, R> fn) {
    ForkJoinPool p = borrow();
    try {
      return fn.apply(p);
    } finally {
      giveBack(p);
    }
  }

  private synchronized ForkJoinPool borrow() {
    if (closed) {
      throw new IllegalStateException("the engine's threads are stopped");
    }
    ForkJoinPool p = idleForkJoins.pollFirst();
    if (p == null) {
      int number = forkJoins.size() + 1;
      AtomicInteger n = new AtomicInteger();
      p = new ForkJoinPool(threads, fjp -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
        t.setName("lsm-decode-" + number + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      }, null, false);
      forkJoins.add(p);
    }
    return p;
  }

  private synchronized void giveBack(ForkJoinPool p) {
    if (closed) {
      p.shutdownNow();
    } else {
      idleForkJoins.addFirst(p);
    }
  }

  /** The decode pools made so far (as many as callers have overlapped). */
  synchronized int forkJoinPools() {
    return forkJoins.size();
  }

  /** Stops the pooled threads. */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    synchronized (this) {
      closed = true;
      forkJoins.forEach(ForkJoinPool::shutdownNow);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "lsm-engine-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
