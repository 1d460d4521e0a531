package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The factored preselection ({@link FactoredScores}: x = Cᵀq, a sparse dot product per distinct
 * vector, a per-vector bound) against the dense GEMM preselection and a brute-force double
 * reference: indices, scores and tie order must be identical, on vocabularies that are TF-IDF
 * times Cᵀ exactly and on vocabularies whose rows do not factorise (perturbed a little or a lot,
 * or with no TF-IDF terms at all).
 */
class FactoredPreselectionTest {

  /**
   * A synthetic model: components C [dim, features], the terms' idf, each row's (term, count)
   * pairs, embeddings.
   */
  record Model(int size, int dim, int features, float[] components, float[] idf, int[][] counts, float[] values) {
    VocabularyIndex index(VocabularyIndex.Preselect mode) {
      return new VocabularyIndex(values, size, dim, VocabularyIndex.DEFAULT_BLOCK_ROWS,
          new VocabularyIndex.Factors(components, features, idf, r -> counts[r]), mode);
    }

    SparseVector tfidf(int row) {
      return SparseVector.tfidf(counts[row], idf);
    }
  }

  @Property(tries = 20)
  void factoredTopKIsTheDenseAndTheBruteForceTopK(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int k,
      @ForAll @IntRange(min = 0, max = 3) int perturbation) {
    Random rng = new Random(seed);
    Model m = model(rng, 1500 + rng.nextInt(3000), perturbation);
    VocabularyIndex factored = m.index(VocabularyIndex.Preselect.FACTORED);
    VocabularyIndex dense = m.index(VocabularyIndex.Preselect.DENSE);
    float[][] queries = queries(rng, m, 1 + rng.nextInt(40));
    VocabularyIndex.Hit[][] got = factored.topK(queries, k);
    assertTrue(factored.factored(), "the factored preselection must be the one under test");
    VocabularyIndex.Hit[][] want = dense.topK(queries, k);
    for (int i = 0; i < queries.length; i++) {
      String where = "seed " + seed + ", perturbation " + perturbation + ", query " + i + ", k " + k;
      List<VocabularyIndex.Hit> all = VocabularyIndexPropertiesTest.reference(m.values, m.size, m.dim, queries[i]);
      assertArrayEquals(all.subList(0, k).toArray(new VocabularyIndex.Hit[0]), got[i], where);
      assertArrayEquals(want[i], got[i], where);
      // alone (the one-query gather loop) as in the batch (16-lane groups, several threads)
      assertArrayEquals(got[i], factored.topK(new float[][] {queries[i]}, k)[0], where + ", alone");
    }
  }

  /**
   * A batch of many 16-query groups decoded on fork-join pools of 1, 2 and 4 threads (the engine
   * passes its own, see {@link Tokenizer#decodeBatch(float[][], int, DecodeMode,
   * java.util.concurrent.ForkJoinPool)}) and on the common pool: identical results. Catches
   * scratch state shared between groups and any dependence of a score on the thread count.
   */
  @Property(tries = 6)
  void theFactoredTopKDoesNotDependOnThePoolOrItsThreads(@ForAll long seed) throws Exception {
    Random rng = new Random(seed);
    Model m = model(rng, 2000 + rng.nextInt(2000), rng.nextInt(4));
    VocabularyIndex factored = m.index(VocabularyIndex.Preselect.FACTORED);
    float[][] queries = queries(rng, m, 70 + rng.nextInt(60));
    VocabularyIndex.Hit[][] common = factored.topK(queries, 5);
    for (int threads : new int[] {1, 2, 4}) {
      java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
      try {
        VocabularyIndex.Hit[][] got = pool.submit(() -> factored.topK(queries, 5)).get();
        assertArrayEquals(common, got, "seed " + seed + ", " + threads + " threads");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Batches of 130, 20 (a full group and one of 4 lanes) and 130 queries decoded in turn on one
   * thread, whose y and group arrays are kept from batch to batch: each is what an index of its own
   * decodes. Catches a kept array read past what its batch wrote.
   */
  @Property(tries = 4)
  void batchesDecodedInTurnOnOneThreadAreBatchesDecodedAlone(@ForAll long seed) throws Exception {
    Random rng = new Random(seed);
    Model m = model(rng, 2000 + rng.nextInt(2000), rng.nextInt(4));
    VocabularyIndex kept = m.index(VocabularyIndex.Preselect.FACTORED);
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(1);
    try {
      for (int n : new int[] {130, 20, 130}) {
        float[][] queries = queries(rng, m, n);
        VocabularyIndex.Hit[][] got = pool.submit(() -> kept.topK(queries, 5)).get();
        VocabularyIndex fresh = m.index(VocabularyIndex.Preselect.FACTORED);
        assertArrayEquals(fresh.topK(queries, 5), got, "seed " + seed + ", " + n + " queries");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Lone queries (the query-by-query path, whose score arrays each thread keeps for its next query)
   * decoded by four threads at once: each result is the one decoded alone before. Catches score
   * arrays shared between threads, and a query reading scores left by the one before.
   */
  @Property(tries = 4)
  void loneQueriesDecodedConcurrentlyAreTheQueriesDecodedInTurn(@ForAll long seed) throws Exception {
    Random rng = new Random(seed);
    Model m = model(rng, 3000 + rng.nextInt(2000), rng.nextInt(4));
    VocabularyIndex factored = m.index(VocabularyIndex.Preselect.FACTORED);
    float[][] queries = queries(rng, m, 160);
    VocabularyIndex.Hit[][] inTurn = new VocabularyIndex.Hit[queries.length][];
    for (int i = 0; i < queries.length; i++) {
      inTurn[i] = factored.topK(new float[][] {queries[i]}, 5)[0];
    }
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<VocabularyIndex.Hit[]>> got = new java.util.ArrayList<>();
      for (float[] q : queries) {
        got.add(threads.submit(() -> factored.topK(new float[][] {q}, 5)[0]));
      }
      for (int i = 0; i < queries.length; i++) {
        assertArrayEquals(inTurn[i], got.get(i).get(), "seed " + seed + ", query " + i);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * More features than the lone-query layout's char terms hold: lone queries take the lane kernel
   * (the layout is never built) and decode as the dense preselection does. Catches term numbers
   * above 65,535 cut to 16 bits, which score the wrong columns of x.
   */
  @Test
  void loneQueriesBeyondCharTermsDecodeThroughTheLanes() {
    Random rng = new Random(5);
    Model m = model(rng, 1500, 0, 6, 70_000);
    VocabularyIndex factored = m.index(VocabularyIndex.Preselect.FACTORED);
    VocabularyIndex dense = m.index(VocabularyIndex.Preselect.DENSE);
    float[][] queries = queries(rng, m, 40);
    for (int i = 0; i < queries.length; i++) {
      float[][] one = {queries[i]};
      assertArrayEquals(dense.topK(one, 5)[0], factored.topK(one, 5)[0], "query " + i);
    }
    assertTrue(factored.factored());
  }

  @Property(tries = 8)
  void factoredRanksArePositionsInTheBruteForceOrder(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int perturbation) {
    Random rng = new Random(seed);
    Model m = model(rng, 1000 + rng.nextInt(2000), perturbation);
    float[][] queries = queries(rng, m, 20);
    int[] rows = new int[queries.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = rng.nextInt(m.size);
    }
    long[] ranks = m.index(VocabularyIndex.Preselect.FACTORED).ranks(queries, rows);
    for (int i = 0; i < queries.length; i++) {
      List<VocabularyIndex.Hit> all = VocabularyIndexPropertiesTest.reference(m.values, m.size, m.dim, queries[i]);
      int position = 0;
      while (all.get(position).index() != rows[i]) {
        position++;
      }
      assertEquals(position + 1, ranks[i], "seed " + seed + ", query " + i + ", row " + rows[i]);
    }
  }

  /**
   * Row 0's TF-IDF vector scores 0.9990 against the query while its embedding scores 0.9999, and
   * row 1 factorises exactly at 0.9995: without row 0's residual in its bound its preselection
   * score falls more than the margin below row 1's and the top-1 would be row 1.
   */
  @Test
  void aResidualBeyondTheMarginKeepsItsRowACandidate() {
    int dim = 4;
    float[] c = identity(dim);
    float[] idf = {1f, 0.0447f, 0.0316f, 1f};
    int[][] counts = {{0, 1, 1, 1}, {0, 1, 2, 1}, {3, 1}}; // unit(1, 0.0447, 0, 0), unit(1, 0, 0.0316, 0), unit(0, 0, 0, 1)
    float[] values = new float[3 * dim];
    Model m = new Model(3, dim, dim, c, idf, counts, values);
    System.arraycopy(floats(unit(1, 0.0141, 0, 0), dim), 0, values, 0, dim); // not C·a_0
    System.arraycopy(floats(m.tfidf(1), dim), 0, values, dim, dim);
    System.arraycopy(floats(m.tfidf(2), dim), 0, values, 2 * dim, dim);
    float[][] q = {{1, 0, 0, 0}};
    VocabularyIndex.Hit[] got = m.index(VocabularyIndex.Preselect.FACTORED).topK(q, 1)[0];
    assertEquals(0, got[0].index());
    assertEquals(m.index(VocabularyIndex.Preselect.DENSE).topK(q, 2)[0][0], got[0]);
    // and with a row whose embedding has nothing to do with its TF-IDF terms
    counts[0] = new int[] {1, 1}; // unit(0, 1, 0, 0)
    System.arraycopy(new float[] {1, 0, 0, 0}, 0, values, 0, dim);
    assertEquals(0, m.index(VocabularyIndex.Preselect.FACTORED).topK(q, 1)[0][0].index());
  }

  /**
   * Rows whose embeddings are their C·a scaled by 10⁻³⁰ or 10³⁰ (cosines unchanged): the scale
   * σ_g = 1 / (‖t_g‖ ‖v_g‖) leaves float's normal range, so such a vector keeps no terms and the
   * bound of 1 makes it a candidate for every query. A bound not widened for them, or a score
   * taken from an infinite or denormal scale, changes the top k against the dense preselection.
   */
  @Test
  void vectorsOfExtremeNormStayCandidates() {
    Random rng = new Random(13);
    Model m = model(rng, 2000, 0, 12, 80);
    for (int r = 0; r < m.size; r += 7) {
      float scale = r % 2 == 0 ? 1e-30f : 1e30f;
      for (int d = 0; d < m.dim; d++) {
        m.values[r * m.dim + d] *= scale;
      }
    }
    float[][] queries = queries(rng, m, 60);
    VocabularyIndex factored = m.index(VocabularyIndex.Preselect.FACTORED);
    assertArrayEquals(m.index(VocabularyIndex.Preselect.DENSE).topK(queries, 5), factored.topK(queries, 5));
    for (float[] q : queries) {
      assertArrayEquals(m.index(VocabularyIndex.Preselect.DENSE).topK(new float[][] {q}, 5),
          factored.topK(new float[][] {q}, 5), "alone");
    }
  }

  @Test
  void autoChoosesTheFactoredPathOnlyForALargeVocabularyThatFactorises() {
    Random rng = new Random(7);
    Model good = model(rng, 6000, 0, 16, 60);
    assertTrue(good.index(VocabularyIndex.Preselect.AUTO).factored(), "a factorising 6,000-row vocabulary");
    Model bad = model(rng, 6000, 4, 16, 60);
    assertFalse(bad.index(VocabularyIndex.Preselect.AUTO).factored(), "a vocabulary whose rows do not factorise");
    Model small = model(rng, 300, 0, 16, 60);
    assertFalse(small.index(VocabularyIndex.Preselect.AUTO).factored(), "x = Cᵀq costs more than the dense product");
    VocabularyIndex none = new VocabularyIndex(good.values, good.size, good.dim);
    assertFalse(none.factored(), "no factorisation given");
  }

  /**
   * The golden fixtures' tokenizers (958 turns, F = 236, D = 32), whose rows factorise within
   * float rounding or not at all: their vocabulary rows, window-like random queries and the
   * fixture's own encodings decode identically through the forced factored preselection.
   */
  @Test
  void goldenFixturesDecodeIdenticallyThroughTheFactoredPreselection() throws IOException {
    for (org.lsmspark.model.Golden fixture : List.of(org.lsmspark.model.Golden.V1, org.lsmspark.model.Golden.V2)) {
      Tokenizer tok = Golden.modelTokenizer(fixture);
      int v = tok.vocabularySize();
      int dim = tok.embeddingDim();
      float[] values = tok.vocabEmbeddings().toArray();
      VocabularyIndex.Factors factors = new VocabularyIndex.Factors(tok.components().toArray(), tok.featureCount(),
          tok.idf().toArray(), r -> tok.termCounts(tok.vocabulary().get(r)));
      VocabularyIndex factored = new VocabularyIndex(values, v, dim, 256, factors, VocabularyIndex.Preselect.FACTORED);
      VocabularyIndex dense = new VocabularyIndex(values, v, dim, 256, factors, VocabularyIndex.Preselect.DENSE);
      Random rng = new Random(11);
      float[][] q = new float[120][];
      for (int i = 0; i < q.length; i++) {
        q[i] = i % 3 == 0 ? Arrays.copyOfRange(values, (i * 7 % v) * dim, (i * 7 % v + 1) * dim)
            : i % 3 == 1 ? tok.encode("unseen words " + i + " " + tok.vocabulary().get(rng.nextInt(v)))
            : gaussian(rng, dim);
      }
      assertArrayEquals(dense.topK(q, 5), factored.topK(q, 5), fixture.toString());
      assertTrue(factored.factored());
    }
  }

  // ---- synthetic models

  static Model model(Random rng, int size, int perturbation) {
    return model(rng, size, perturbation, 4 + rng.nextInt(40), 40 + rng.nextInt(300));
  }

  /**
   * Rows C·a over the TF-IDF vectors a of random term counts (1 to 8 terms, a quarter of them
   * counted 2 or 3 times; idf in [1, 6)): a tenth with no terms (zero rows), a fifth sharing an
   * earlier row's terms (identical embeddings), a tenth one ulp from an earlier row.
   * Perturbation 0 keeps every row C·a; 1 adds relative noise of 1e-7 to 1e-2 to a tenth of the
   * rows; 2 also replaces a twentieth by unrelated vectors; 3 also gives a twentieth nonzero
   * embeddings but no TF-IDF terms; 4 perturbs every row by 1e-2 (AUTO must then go dense).
   */
  static Model model(Random rng, int size, int perturbation, int dim, int features) {
    float[] c = new float[dim * features];
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) (rng.nextGaussian() / Math.sqrt(features));
    }
    float[] idf = new float[features];
    for (int j = 0; j < features; j++) {
      idf[j] = (float) (1 + 5 * rng.nextDouble());
    }
    int[][] counts = new int[size][];
    float[] values = new float[size * dim];
    for (int r = 0; r < size; r++) {
      int kind = rng.nextInt(10);
      if (kind == 0) {
        counts[r] = new int[0];
      } else if (kind <= 3 && r > 0) {
        int src = rng.nextInt(r);
        counts[r] = counts[src];
        System.arraycopy(values, src * dim, values, r * dim, dim);
        if (kind == 3) {
          int d = rng.nextInt(dim);
          values[r * dim + d] = Math.nextUp(values[r * dim + d]);
        }
        continue;
      } else {
        counts[r] = randomCounts(rng, features);
      }
      project(c, dim, features, SparseVector.tfidf(counts[r], idf), values, r * dim);
    }
    for (int r = 0; r < size; r++) {
      double u = rng.nextDouble();
      if (perturbation == 4 || (perturbation >= 1 && u < 0.1)) {
        double eps = perturbation == 4 ? 1e-2 : Math.pow(10, -7 + 5 * rng.nextDouble());
        for (int d = 0; d < dim; d++) {
          values[r * dim + d] += (float) (eps * rng.nextGaussian() / Math.sqrt(dim));
        }
      } else if (perturbation >= 2 && u < 0.15) {
        System.arraycopy(gaussian(rng, dim), 0, values, r * dim, dim);
      } else if (perturbation >= 3 && u < 0.2) {
        counts[r] = new int[0];
        System.arraycopy(gaussian(rng, dim), 0, values, r * dim, dim);
      }
    }
    return new Model(size, dim, features, c, idf, counts, values);
  }

  /** Random directions, near-copies of rows (C·a of a row's terms), copies of rows and a zero query. */
  static float[][] queries(Random rng, Model m, int n) {
    float[][] q = new float[n][];
    for (int i = 0; i < n; i++) {
      int row = rng.nextInt(m.size);
      switch (i % 4) {
        case 0 -> q[i] = i == 0 ? new float[m.dim] : gaussian(rng, m.dim);
        case 1 -> {
          q[i] = Arrays.copyOfRange(m.values, row * m.dim, (row + 1) * m.dim);
          for (int d = 0; d < m.dim; d++) {
            q[i][d] *= 2.5f;
          }
        }
        case 2 -> {
          q[i] = new float[m.dim];
          project(m.components, m.dim, m.features, SparseVector.tfidf(randomCounts(rng, m.features), m.idf), q[i], 0);
        }
        default -> {
          q[i] = Arrays.copyOfRange(m.values, row * m.dim, (row + 1) * m.dim);
          for (int d = 0; d < m.dim; d++) {
            q[i][d] += (float) (0.05 * rng.nextGaussian());
          }
        }
      }
    }
    return q;
  }

  /** (term, count) pairs: 1 to 8 distinct terms by ascending index, a quarter counted 2 or 3 times. */
  private static int[] randomCounts(Random rng, int features) {
    int n = 1 + rng.nextInt(Math.min(8, features));
    int[] idx = rng.ints(0, features).distinct().limit(n).sorted().toArray();
    int[] pairs = new int[2 * n];
    for (int p = 0; p < n; p++) {
      pairs[2 * p] = idx[p];
      pairs[2 * p + 1] = rng.nextInt(4) == 0 ? 2 + rng.nextInt(2) : 1;
    }
    return pairs;
  }

  /** dest[offset, offset + dim) = float(C·a), summed in double as the model format's fitter does. */
  private static void project(float[] c, int dim, int features, SparseVector a, float[] dest, int offset) {
    for (int d = 0; d < dim; d++) {
      double s = 0;
      for (int p = 0; p < a.size(); p++) {
        s += a.value(p) * c[d * features + a.index(p)];
      }
      dest[offset + d] = (float) s;
    }
  }

  private static float[] gaussian(Random rng, int dim) {
    float[] g = new float[dim];
    for (int d = 0; d < dim; d++) {
      g[d] = (float) rng.nextGaussian();
    }
    return g;
  }

  private static float[] identity(int dim) {
    float[] c = new float[dim * dim];
    for (int d = 0; d < dim; d++) {
      c[d * dim + d] = 1f;
    }
    return c;
  }

  /** The dense vector as an L2-normalised sparse vector over its nonzero entries. */
  private static SparseVector unit(double... x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    int n = (int) Arrays.stream(x).filter(v -> v != 0).count();
    int[] idx = new int[n];
    double[] w = new double[n];
    for (int i = 0, p = 0; i < x.length; i++) {
      if (x[i] != 0) {
        idx[p] = i;
        w[p++] = x[i] / Math.sqrt(s);
      }
    }
    return new SparseVector(idx, w);
  }

  private static float[] floats(SparseVector a, int dim) {
    float[] out = new float[dim];
    for (int p = 0; p < a.size(); p++) {
      out[a.index(p)] = (float) a.value(p);
    }
    return out;
  }
}
