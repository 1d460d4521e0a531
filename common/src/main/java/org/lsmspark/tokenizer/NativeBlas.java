package org.lsmspark.tokenizer;

import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ND4J's BLAS thread count, the one JVM-wide setting the decode changes. The decode's GEMMs are
 * called from the threads of an engine's pool (under Spark, of every task): BLAS threads of its
 * own on top competed with them for the cores, its OpenMP threads spinning between calls (on two
 * cores, one thread a call scored 14-18 % more windows a second, the dense preselection included;
 * docs/BENCHMARKS.md, session 11).
 */
final class NativeBlas {
  private static final Logger LOG = LoggerFactory.getLogger(NativeBlas.class);
  private static final AtomicBoolean SET = new AtomicBoolean();

  private NativeBlas() {}

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
