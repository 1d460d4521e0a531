package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

class FuturesTest {
  @Test
  void aTasksResultOrWhatItThrewAsItThrewIt() {
    assertEquals("done", Futures.get(CompletableFuture.completedFuture("done"), "x"));
    IllegalArgumentException iae = new IllegalArgumentException("bad");
    assertSame(iae, assertThrows(IllegalArgumentException.class,
        () -> Futures.get(CompletableFuture.failedFuture(iae), "x")));
    StackOverflowError error = new StackOverflowError();
    assertSame(error, assertThrows(StackOverflowError.class,
        () -> Futures.get(CompletableFuture.failedFuture(error), "x")));
    IOException io = new IOException("disk");
    assertSame(io, assertThrows(IllegalStateException.class,
        () -> Futures.get(CompletableFuture.failedFuture(io), "x")).getCause());
  }

  @Test
  void anInterruptedWaitKeepsTheInterruptAndSaysWhatItWaitedFor() {
    IllegalStateException e = thrownWhileInterrupted(IllegalStateException.class,
        never -> Futures.get(never, "scoring a chunk"));
    assertEquals("interrupted while scoring a chunk", e.getMessage());
  }

  /** The I/O form: an IOException as the task threw it, an interrupt as InterruptedIOException, the rest as {@link Futures#get}. */
  @Test
  void theIoFormPassesIoFailuresAndInterruptsAsIo() throws IOException {
    assertEquals("done", Futures.getIo(CompletableFuture.completedFuture("done"), "x"));
    IOException io = new IOException("disk full");
    assertSame(io, assertThrows(IOException.class, () -> Futures.getIo(CompletableFuture.failedFuture(io), "x")));
    IllegalArgumentException iae = new IllegalArgumentException("bad");
    assertSame(iae, assertThrows(IllegalArgumentException.class,
        () -> Futures.getIo(CompletableFuture.failedFuture(iae), "x")));
    Exception checked = new Exception("checked");
    assertSame(checked, assertThrows(IllegalStateException.class,
        () -> Futures.getIo(CompletableFuture.failedFuture(checked), "x")).getCause());
    InterruptedIOException e = thrownWhileInterrupted(InterruptedIOException.class,
        never -> Futures.getIo(never, "writing"));
    assertEquals("interrupted while writing", e.getMessage());
  }

  /** What waiting on a task that never runs throws from an interrupted thread, which must stay interrupted. */
  private static <T extends Throwable> T thrownWhileInterrupted(Class<T> type, Wait wait) {
    FutureTask<String> never = new FutureTask<>(() -> "never run");
    Thread.currentThread().interrupt();
    try {
      T e = assertThrows(type, () -> wait.on(never));
      assertTrue(Thread.currentThread().isInterrupted());
      return e;
    } finally {
      Thread.interrupted();
    }
  }

  @FunctionalInterface
  private interface Wait {
    void on(FutureTask<String> task) throws Exception;
  }
}
