package org.lsmspark.model;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, with its failure rethrown as that thread threw it. */
public final class Futures {
  private Futures() {}

  /**
   * The task's result. What the task threw comes back as it was thrown (a checked exception
   * wrapped in {@link IllegalStateException}); an interrupted wait keeps the thread's interrupt
   * status and throws {@link IllegalStateException} naming what was {@code doing}.
   */
  public static <T> T get(Future<T> task, String doing) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + doing, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }
}
