package org.lsmspark.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.lsmspark.model.Futures;

/**
 * {@code lsm predict}'s loop: one I/O thread reads the next chunk and writes scored ones, in input
 * order, while up to {@code slots} chunks are scored at once, each by its own caller of the engine
 * (one slot per core, each with one engine thread, as Spark runs one task per core). Small chunks
 * do not share out among an engine's threads (batch 1: 2 threads scored no faster than 1), but
 * chunks side by side do. With one slot the chunks are scored on the calling thread.
 */
final class ChunkPipeline {
  /** The next chunk; an empty one at the end of the input. */
  @FunctionalInterface
  interface Source<C> {
    C next() throws IOException;
  }

  /** Writes a scored chunk; returns how many of its items failed. */
  @FunctionalInterface
  interface Sink<C, R> {
    long write(C chunk, R results) throws IOException;
  }

  /** Items read and items that failed. */
  record Totals(long items, long failed) {}

  private record Pending<C, R>(C chunk, Future<R> results) {}

  private ChunkPipeline() {}

  /**
   * Reads, scores and writes every chunk, in order. What reading, scoring or writing throws is
   * thrown as it was thrown (an interrupt as {@link InterruptedIOException}); the threads stop
   * before this returns, so the caller may close its files.
   */
  static <C extends Collection<?>, R> Totals run(int slots, Source<C> read, Function<C, R> score, Sink<C, R> write)
      throws IOException {
    Daemons threads = new Daemons();
    ExecutorService io = Executors.newSingleThreadExecutor(threads.named("lsm-predict-io"));
    ExecutorService scorers = slots > 1 ? Executors.newFixedThreadPool(slots, threads.named("lsm-predict-score"))
        : null;
    try {
      Deque<Pending<C, R>> scoring = new ArrayDeque<>();
      Future<C> next = io.submit(read::next);
      Future<Long> written = CompletableFuture.completedFuture(0L);
      long items = 0;
      long failed = 0;
      boolean more = true;
      while (more || !scoring.isEmpty()) {
        if (more) {
          C chunk = Futures.getIo(next, "reading");
          more = !chunk.isEmpty();
          if (more) {
            next = io.submit(read::next);
            scoring.add(new Pending<>(chunk, scorers == null ? CompletableFuture.completedFuture(score.apply(chunk))
                : scorers.submit(() -> score.apply(chunk))));
            items += chunk.size();
          }
        }
        if (!scoring.isEmpty() && (!more || scoring.size() >= slots)) {
          Pending<C, R> head = scoring.poll();
          R results = Futures.getIo(head.results(), "scoring");
          failed += Futures.getIo(written, "writing");
          written = io.submit(() -> write.write(head.chunk(), results));
        }
      }
      failed += Futures.getIo(written, "writing");
      return new Totals(items, failed);
    } finally {
      stop(scorers); // a failed run may leave chunks scoring, and a chunk being written
      stop(io);
      threads.join();
    }
  }

  /**
   * Stops a pool, waiting up to a minute for the tasks it runs: only a failing run can leave one
   * running, and its error, not this wait's, is the one to report.
   */
  private static void stop(ExecutorService pool) {
    if (pool == null) {
      return;
    }
    pool.shutdownNow();
    try {
      pool.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Makes the pools' daemon threads and joins them: a pool's termination is signalled from its last
   * thread before that thread ends, so "terminated" alone would let one outlive {@link #run}.
   */
  private static final class Daemons {
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    ThreadFactory named(String name) {
      AtomicInteger n = new AtomicInteger();
      return r -> {
        Thread t = new Thread(r, name + "-" + n.incrementAndGet());
        t.setDaemon(true);
        started.add(t);
        return t;
      };
    }

    /** Waits up to ten seconds in all for the stopped pools' threads to end. */
    void join() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      try {
        for (Thread t : started) {
          TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
