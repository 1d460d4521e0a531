package org.lsmspark.tokenizer;

/**
 * The float32 preselection of the exact decode: every nonzero query's approximate cosine against
 * every distinct nonzero vocabulary vector, block by block, each within a known error of the exact
 * value. {@link VocabularyIndex} keeps the candidates that may reach the top k and rescores them
 * in double, so which preselection runs changes the speed, never a result.
 *
 * <p>Two implementations: {@link DensePreselection} (a float32 GEMM against the unit vectors) and
 * {@link FactoredPreselection} (x = Cᵀq, then a sparse dot product per vector, with a per-vector
 * bound); {@link PreselectionChoice} builds one of them on first decode.
 */
interface Preselection {
  /**
   * Chunks of at most this many nonzero queries (batch 1, a batch's last few) are scored query by
   * query in Java rather than by one GEMM: at that size ND4J's call costs more than its work, and
   * the factored 16-lane kernel costs as much for 1 lane as for 16 (about 11 lone queries' CPU
   * time on the full-size vocabulary).
   */
  int FEW = 8;

  /**
   * Receives one query's float32 preselection scores against a block of distinct vectors; with
   * {@code bounds} (indexed by distinct vector) the exact cosine of vector g lies within
   * {@code bounds[g]} of its score, without (the dense GEMM) within a float32 GEMM's error, which
   * {@link VocabularyIndex#MARGIN} covers. {@code scores} is the preselection's to reuse once the
   * call returns: copy what must outlive it.
   */
  interface BlockScores {
    void accept(int query, float[] scores, int from, int len, int firstVector, float[] bounds);

    /**
     * A block's scores as a list, in no particular order: vector {@code vectors[j]}'s at
     * {@code scores[offset + j * stride]} (with bounds, as {@link #accept}'s). Every vector of the
     * block left out has an upper end (score + bound) below {@link #floor} as it was when the block
     * began. Reuse rules as {@link #accept}'s.
     */
    void acceptListed(int query, float[] scores, int offset, int stride, int[] vectors, int count, float[] bounds);

    /**
     * Scores whose upper end lies below this are not wanted for {@code query}: a preselection may
     * leave them out of {@link #acceptListed}. It must never fall; −∞ wants every score.
     */
    default float floor(int query) {
      return Float.NEGATIVE_INFINITY;
    }
  }

  /**
   * Every nonzero query's preselection scores against every distinct vector, block by block: a
   * query's blocks arrive in order, one visit finished before the next begins (possibly on another
   * thread), different queries may be visited concurrently. {@code unit} holds the queries row-major [n, dim], scaled to unit length (zero
   * rows stay zero); {@code qNorms} their norms (queries with norm 0 are skipped).
   */
  void forEachBlock(float[] unit, double[] qNorms, BlockScores visit);

  /** What was built, for the one log line. */
  String describe();
}
