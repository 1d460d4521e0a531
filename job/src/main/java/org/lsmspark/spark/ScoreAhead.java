package org.lsmspark.spark;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.lsmspark.inference.WindowResult;
import org.lsmspark.model.Futures;

/**
 * One chunk of a task scored on a thread of its own, so that the task's thread does Spark's share
 * meanwhile (reading the next chunk, making and writing the rows of the one before) instead of
 * leaving the engine idle. One chunk at a time, so results come back in order. The helper thread
 * stops when the task completes, however it ends; a chunk still being scored then is left to
 * finish and dropped.
 */
final class ScoreAhead implements AutoCloseable {
  /** A chunk with its results and the nanoseconds scoring it took. */
  record Scored(List<TurnWindows.Window> chunk, List<WindowResult> results, long nanos) {}

  private final ExecutorService helper;
  private Future<Scored> pending;

  ScoreAhead() {
    TaskContext task = TaskContext.get();
    String name = "lsm-score-ahead" + (task == null ? "" : "-task-" + task.taskAttemptId());
    helper = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) ctx -> close());
    }
  }

  /** Starts scoring a chunk; the previous one must have been awaited. */
  void start(List<TurnWindows.Window> chunk, Supplier<List<WindowResult>> score) {
    if (pending != null) {
      throw new IllegalStateException("a chunk is still being scored");
    }
    pending = helper.submit(() -> {
      long t0 = System.nanoTime();
      List<WindowResult> results = score.get();
      return new Scored(chunk, results, System.nanoTime() - t0);
    });
  }

  /** Whether a chunk was started and not yet awaited. */
  boolean busy() {
    return pending != null;
  }

  /** The started chunk's results, once scored; what scoring threw, as it threw it. */
  Scored await() {
    Future<Scored> f = pending;
    pending = null;
    try {
      return Futures.get(f, "scoring a chunk");
    } finally {
      f.cancel(false); // a no-op once scored; interrupted (Spark kills a task so), the chunk is dropped
    }
  }

  @Override
  public void close() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
    helper.shutdown();
  }
}
