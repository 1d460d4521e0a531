package org.lsmspark.model;

import java.io.IOException;
import java.io.InterruptedIOException;
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
      throw rethrown(e.getCause());
    }
  }

  /**
   * {@link #get} for I/O work: an {@link IOException} the task threw comes back as thrown, and an
   * interrupted wait as {@link InterruptedIOException} (which exit codes tell from other failures).
   */
  public static <T> T getIo(Future<T> task, String doing) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw rethrown(e.getCause());
    }
  }

  /** Throws {@code c} itself when unchecked; otherwise returns the wrapper for the caller to throw. */
  private static RuntimeException rethrown(Throwable c) {
    if (c instanceof RuntimeException re) {
      throw re;
    }
    if (c instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(c);
  }
}
