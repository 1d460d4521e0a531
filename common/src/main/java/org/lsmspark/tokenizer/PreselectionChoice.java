package org.lsmspark.tokenizer;

import org.lsmspark.tokenizer.VocabularyIndex.Factors;
import org.lsmspark.tokenizer.VocabularyIndex.Preselect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which preselection the exact decode runs, decided and built on first decode with one log line:
 * {@link Preselect#DENSE} and {@link Preselect#FACTORED} force one; {@link Preselect#AUTO} takes
 * the factored one when y = C'ᵀq costs at most half the dense product, at most
 * {@link #MAX_WIDE_FRACTION} of the vectors have a wide bound, and the factored operations (y,
 * the columns summed, the pair columns, the wide vectors' dense fallback) are at most half the dense
 * multiply-adds.
 */
final class PreselectionChoice {
  private static final Logger LOG = LoggerFactory.getLogger(VocabularyIndex.class);

  /** AUTO uses the factored preselection only when at most this fraction of vectors has a wide bound. */
  static final double MAX_WIDE_FRACTION = 0.01;

  private PreselectionChoice() {}

  /**
   * Builds the preselection {@code mode} asks for over the distinct vectors {@code vectorRow}
   * (representative rows of {@code values}, norms {@code norms}) and logs the choice.
   *
   * @param factors null when the embeddings have no known factorisation (dense)
   */
  static Preselection build(Preselect mode, Factors factors, float[] values, double[] norms, int[] vectorRow,
      int size, int dim, int blockRows) {
    long t0 = System.nanoTime();
    int unique = vectorRow.length;
    long dense = (long) unique * dim;
    String why;
    String origin = "built";
    FactoredScores f = null;
    if (factors == null || mode == Preselect.DENSE) {
      why = factors == null ? "no factorisation known" : "forced";
    } else if (mode == Preselect.AUTO && 2L * factors.features() * dim > dense) {
      why = "y = C'ᵀq (F·D = " + (long) factors.features() * dim + ") costs more than half the dense product";
    } else {
      IndexCache.Entry e = factors.cache().factored(factors.modelKey(), unique, dim, factors.idf(),
          () -> FactoredScores.build(values, norms, vectorRow, factors, dim));
      f = e.scores();
      origin = e.origin();
      long cost = (long) factors.features() * dim + f.nonZeros() + f.pairs() + (long) f.wide() * dim;
      if (mode == Preselect.FACTORED) {
        why = "forced";
      } else if (f.wide() > MAX_WIDE_FRACTION * unique) {
        why = f.wide() + " vectors do not factorise (bound > " + FactoredScores.WIDE + ")";
        f = null;
      } else if (2 * cost > dense) {
        why = "factored cost " + cost + " is more than half the dense " + dense;
        f = null;
      } else {
        why = "about " + cost + " adds and multiply-adds a query against " + dense + " dense multiply-adds";
      }
    }
    Preselection p = f != null ? new FactoredPreselection(f, factors.components(), dim)
        : new DensePreselection(values, norms, vectorRow, dim, blockRows);
    LOG.info("decode preselection {} ({}); {} rows, {} distinct nonzero vectors; {} in {} ms",
        p.describe(), why, size, unique, origin, (System.nanoTime() - t0) / 1_000_000);
    return p;
  }
}
