package org.lsmspark.tokenizer;

/**
 * The factored preselection for chunks of fewer than {@link #DENSE_FROM} nonzero queries and the
 * dense GEMM from there on, each where it is faster: on the full-size v2 model, {@code lsm predict}
 * at batch 64 ran 1,274–1,326 windows/s factored against 1,152–1,165 dense, at batch 128
 * 1,674–1,700 against 1,840–1,861. Both are exact preselections, so the split changes the speed,
 * never a result.
 */
final class SplitPreselection implements Preselection {
  static final int DENSE_FROM = 128;

  private final Preselection few;
  private final Preselection many;

  SplitPreselection(FactoredPreselection few, DensePreselection many) {
    this.few = few;
    this.many = many;
  }

  @Override
  public void forEachBlock(float[] unit, double[] qNorms, BlockScores visit) {
    int live = 0;
    for (double q : qNorms) {
      live += q > 0 ? 1 : 0;
    }
    (live >= DENSE_FROM ? many : few).forEachBlock(unit, qNorms, visit);
  }

  @Override
  public String describe() {
    return few.describe() + " below " + DENSE_FROM + " queries a chunk, " + many.describe() + " from there";
  }
}
