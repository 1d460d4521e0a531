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
    FutureTask<String> never = new FutureTask<>(() -> "never run");
    Thread.currentThread().interrupt();
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Futures.get(never, "scoring a chunk"));
      assertEquals("interrupted while scoring a chunk", e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
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
    FutureTask<String> never = new FutureTask<>(() -> "never run");
    Thread.currentThread().interrupt();
    try {
      InterruptedIOException e = assertThrows(InterruptedIOException.class, () -> Futures.getIo(never, "writing"));
      assertEquals("interrupted while writing", e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }
}
