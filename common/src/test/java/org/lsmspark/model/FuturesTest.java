package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
}
