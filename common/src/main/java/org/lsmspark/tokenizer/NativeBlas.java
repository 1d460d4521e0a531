package org.lsmspark.tokenizer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ND4J's start and its BLAS thread count, the one JVM-wide setting the decode changes.
 *
 * <p>Starting ND4J (its classes, native libraries and backend) takes about half a second that
 * needs nothing of the model: {@link #startInBackground} lets it run while the model is read.
 *
 * <p>The decode's GEMMs are
 * called from the threads of an engine's pool (under Spark, of every task): BLAS threads of its
 * own on top competed with them for the cores, its OpenMP threads spinning between calls (on two
 * cores, one thread a call scored 14-18 % more windows a second, the dense preselection included;
 * docs/BENCHMARKS.md, session 11).
 */
public final class NativeBlas {
  private static final Logger LOG = LoggerFactory.getLogger(NativeBlas.class);
  private static final AtomicBoolean SET = new AtomicBoolean();
  private static final AtomicReference<CompletableFuture<Void>> START = new AtomicReference<>();

  private NativeBlas() {}

  /** Starts ND4J on a daemon thread unless it has been started; returns at once. */
  public static void startInBackground() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (START.compareAndSet(null, f)) {
      Thread t = new Thread(() -> {
        try {
          Nd4j.getBackend();
          f.complete(null);
        } catch (Throwable e) { // rethrown by ready(), on the thread that needs ND4J
          f.completeExceptionally(e);
        }
      }, "lsm-nd4j-start");
      t.setDaemon(true);
      t.start();
    }
  }

  /**
   * Waits for a start in the background, if one began, and rethrows what stopped it; without
   * one, ND4J starts on first use as usual.
   */
  static void ready() {
    CompletableFuture<Void> f = START.get();
    if (f != null) {
      try {
        f.join();
      } catch (CompletionException e) {
        throw new IllegalStateException("ND4J did not start: " + e.getCause(), e.getCause());
      }
    }
  }

  /** From now on, in this JVM, every BLAS call runs on its caller's thread alone; logs the change once. */
  static void callersThreadOnly() {
    if (!SET.get() && SET.compareAndSet(false, true)) { // read first: called on every pooled decode
      Blas blas = Nd4j.factory().blas();
      int before = blas.getMaxThreads();
      blas.setMaxThreads(1);
      LOG.info("ND4J BLAS: {} threads a call -> 1, the caller's (the decode's threads own the cores)", before);
    }
  }
}
