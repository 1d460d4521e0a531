package org.lsmspark.tokenizer;

import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Preselection scores of unit queries against the distinct vocabulary vectors through the model's
 * own factorisation {@code v_g = C a_g + r_g}: {@code C} is {@code components} [D, F] and
 * {@code a_g} the sparse TF-IDF vector of the vocabulary turn (about 9 nonzero terms of 10,000 per
 * distinct vector of the full-size models). For a unit query q, {@code x = Cᵀq} is computed once (one GEMM for a batch)
 * and each vector's score is a short sparse dot product, {@code s_g = Σ_j ã_gj x_j} with
 * {@code ã_g = a_g / ‖v_g‖}: an approximation of {@code cos(q, v_g)} within {@link #bound(int)}.
 *
 * <h2>The bound</h2>
 * With {@code ŵ = q/‖q‖} (exact), {@code cos_g = (Cᵀŵ)·ã_g + ŵ·r_g/‖v_g‖}, so
 * <pre>
 *   |cos_g − s_g| ≤ ρ_g + |(Cᵀŵ)·ã_g − s_g|,   ρ_g = ‖r_g‖ / ‖v_g‖ (Cauchy–Schwarz, ‖ŵ‖ = 1).
 * </pre>
 * The second term is float32 rounding, u = 2⁻²⁴, γ_n = nu/(1 − nu), c_j = ‖C[:, j]‖ and
 * {@code B_g = Σ_j |ã_gj| c_j}. Rounding the unit query to float costs u|ŵ_d| per entry; the GEMM
 * that forms x, in whatever order or blocking BLAS sums, errs by at most γ_D Σ_d |C_dj||q̂_d|;
 * together |x̃_j − (Cᵀŵ)_j| ≤ γ_{D+1} c_j (Cauchy–Schwarz again) and |x̃_j| ≤ (1 + γ_{D+1}) c_j.
 * Storing ã in float costs u|ã_gj| per term, and the n-term float dot product
 * γ_n Σ|ã_gj||x̃_j|. Summed: |(Cᵀŵ)·ã_g − s_g| ≤ (γ_{D+1} + u + γ_n)(1 + γ_{D+1})(1 + u) B_g
 * ≤ γ_{D+n+2} B_g (1 + 10⁻⁵) for the sizes here. {@link #bound(int)} is ρ_g (computed in double,
 * relative error far below 10⁻⁹) plus <em>twice</em> that rounding term, rounded up to a float.
 * Callers keep the existing {@link VocabularyIndex#MARGIN} (10⁻⁴) on top, which covers the
 * rounding of {@code s ± bound} in float and the float ties of the final ranking, exactly as it
 * does for the dense GEMM. A vector whose embedding is not its TF-IDF row times Cᵀ (a model that
 * does not factorise) simply has a wide bound (ρ up to 1, or 2 when it has no TF-IDF terms) and
 * is a candidate for almost every query; the index falls back to the dense GEMM when such vectors
 * are more than a small fraction.
 *
 * <h2>Layout and order</h2>
 * A score is defined as the float sum {@code s += ã_gj * x_j} over the row's terms in ascending
 * order. The vectors are CSR rows (int term, float ã), one per distinct vector, and a group of up
 * to {@link #LANES} queries holds x as [F][LANES], so each nonzero term reads one contiguous
 * LANES-wide row of x into LANES sums held in registers ({@link #scoreLanes}). A lone query is
 * scored from a second layout of the nonzeros, sixteen vectors at a time ({@link #scoreAll}).
 * Either way every score is the defined sum, so it depends on neither the group, the kernel nor
 * the thread that computed it.
 */
final class FactoredScores {
  /** Queries scored together: x is laid out [F][LANES] ({@link #scoreLanes} is written out for 16). */
  static final int LANES = 16;
  /** Parts of the vectors that {@link #scoreAll} scores independently (in parallel for a lone query). */
  static final int PARTS = 4;
  /** A vector is "wide" when its bound exceeds this: it is rescored for nearly every query. */
  static final double WIDE = 1e-3;

  private static final double U = 0x1p-24;

  final int dim;
  final int features;
  final int vectors;
  private final int[] rowStart;
  private final int[] terms;
  private final float[] weights;
  private final float[] bounds;
  private final int wide;
  /** The lone-query layout of {@link #scoreAll}, built on its first call (batch-256 scoring never needs it). */
  private final Lazy<Blocks> blocks;

  private FactoredScores(int dim, int features, int[] rowStart, int[] terms, float[] weights, float[] bounds) {
    this.dim = dim;
    this.features = features;
    this.vectors = bounds.length;
    this.rowStart = rowStart;
    this.terms = terms;
    this.weights = weights;
    this.bounds = bounds;
    int w = 0;
    for (float b : bounds) {
      if (b > WIDE) {
        w++;
      }
    }
    this.wide = w;
    this.blocks = new Lazy<>(() -> {
      if (!loneQueries()) {
        throw new IllegalStateException(features + " features do not fit the lone-query layout's char terms");
      }
      return new Blocks(rowStart, terms, weights);
    });
  }

  /**
   * The factorisation of the given distinct vectors.
   *
   * @param values the vocabulary embeddings, row-major [rows, dim]
   * @param norms their L2 norms (nonzero for every row in {@code vectorRow})
   * @param vectorRow a representative row of each distinct vector
   * @param components [dim, features], row-major
   * @param tfidf a row's L2-normalised TF-IDF vector
   */
  static FactoredScores build(float[] values, double[] norms, int[] vectorRow, float[] components,
      int dim, int features, IntFunction<SparseVector> tfidf) {
    int n = vectorRow.length;
    double[] colNorm = new double[features];
    for (int d = 0; d < dim; d++) {
      for (int j = 0; j < features; j++) {
        double c = components[d * features + j];
        colNorm[j] += c * c;
      }
    }
    for (int j = 0; j < features; j++) {
      colNorm[j] = Math.sqrt(colNorm[j]);
    }
    // the TF-IDF vectors in parallel (texts analysed independently), then a sequential CSR
    SparseVector[] sparse = IntStream.range(0, n).parallel()
        .mapToObj(g -> tfidf.apply(vectorRow[g])).toArray(SparseVector[]::new);
    int[] rowStart = new int[n + 1];
    for (int g = 0; g < n; g++) {
      rowStart[g + 1] = rowStart[g] + sparse[g].size();
    }
    int[] terms = new int[rowStart[n]];
    float[] weights = new float[rowStart[n]];
    float[] bounds = new float[n];
    IntStream.range(0, n).parallel().forEach(g -> {
      SparseVector a = sparse[g];
      int row = vectorRow[g];
      double vNorm = norms[row];
      double[] r = new double[dim];
      for (int d = 0; d < dim; d++) {
        r[d] = values[row * dim + d];
      }
      double b = 0;
      for (int p = 0; p < a.size(); p++) {
        int j = a.index(p);
        double w = a.value(p);
        for (int d = 0; d < dim; d++) {
          r[d] -= w * components[d * features + j];
        }
        double scaled = w / vNorm;
        terms[rowStart[g] + p] = j;
        weights[rowStart[g] + p] = (float) scaled;
        b += Math.abs(scaled) * colNorm[j];
      }
      double rr = 0;
      for (int d = 0; d < dim; d++) {
        rr += r[d] * r[d];
      }
      double rho = Math.sqrt(rr) / vNorm;
      double gamma = (dim + a.size() + 2) * U;
      gamma = gamma / (1 - gamma) * (1 + 1e-5);
      double bound = rho * (1 + 1e-9) + 2 * gamma * b;
      float f = (float) bound;
      bounds[g] = f >= bound ? f : Math.nextUp(f);
    });
    return new FactoredScores(dim, features, rowStart, terms, weights, bounds);
  }

  /** Where part {@code part} of {@link #PARTS} equal ranges of {@code [0, n)} starts ({@code part = PARTS}: n). */
  static int partStart(int n, int part) {
    return (int) ((long) n * part / PARTS);
  }

  /** The per-vector bound on |cosine − score|, indexed by distinct vector. */
  float[] bounds() {
    return bounds;
  }

  float bound(int g) {
    return bounds[g];
  }

  int nonZeros() {
    return weights.length;
  }

  /** Vectors whose bound exceeds {@link #WIDE}. */
  int wide() {
    return wide;
  }

  /**
   * Scores of {@code lanes} queries against vectors {@code [first, first + len)}: {@code x} is
   * [features][LANES] (lanes beyond {@code lanes} zero), {@code out} receives lane t's scores at
   * {@code [t * len, t * len + len)}; {@code acc} (LANES floats) is scratch.
   *
   * <p>The 16 sums live in local variables, written out by hand: the JIT keeps them in registers.
   * Summing into a float[16] (one 16-wide axpy per nonzero, the previous kernel) took about twice
   * the CPU time on the full-size vocabulary, its accumulators going through memory on every
   * nonzero; 32 or 64 lanes, interleaving two or four vectors, or keeping x in L1 made no
   * measurable difference, so the loop is bound by those instructions, not by the gathers. Each
   * lane is still {@code s += a * x} over the row's terms in CSR order: the defined sum.
   */
  void scoreLanes(float[] x, int lanes, int first, int len, float[] acc, float[] out) {
    for (int r = 0; r < len; r++) {
      int g = first + r;
      float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
      float s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
      float s8 = 0f, s9 = 0f, s10 = 0f, s11 = 0f;
      float s12 = 0f, s13 = 0f, s14 = 0f, s15 = 0f;
      for (int p = rowStart[g], end = rowStart[g + 1]; p < end; p++) {
        float a = weights[p];
        int b = terms[p] * LANES;
        s0 += a * x[b + 0];
        s1 += a * x[b + 1];
        s2 += a * x[b + 2];
        s3 += a * x[b + 3];
        s4 += a * x[b + 4];
        s5 += a * x[b + 5];
        s6 += a * x[b + 6];
        s7 += a * x[b + 7];
        s8 += a * x[b + 8];
        s9 += a * x[b + 9];
        s10 += a * x[b + 10];
        s11 += a * x[b + 11];
        s12 += a * x[b + 12];
        s13 += a * x[b + 13];
        s14 += a * x[b + 14];
        s15 += a * x[b + 15];
      }
      if (lanes == LANES) {
        out[0 * len + r] = s0;
        out[1 * len + r] = s1;
        out[2 * len + r] = s2;
        out[3 * len + r] = s3;
        out[4 * len + r] = s4;
        out[5 * len + r] = s5;
        out[6 * len + r] = s6;
        out[7 * len + r] = s7;
        out[8 * len + r] = s8;
        out[9 * len + r] = s9;
        out[10 * len + r] = s10;
        out[11 * len + r] = s11;
        out[12 * len + r] = s12;
        out[13 * len + r] = s13;
        out[14 * len + r] = s14;
        out[15 * len + r] = s15;
      } else {
        acc[0] = s0;
        acc[1] = s1;
        acc[2] = s2;
        acc[3] = s3;
        acc[4] = s4;
        acc[5] = s5;
        acc[6] = s6;
        acc[7] = s7;
        acc[8] = s8;
        acc[9] = s9;
        acc[10] = s10;
        acc[11] = s11;
        acc[12] = s12;
        acc[13] = s13;
        acc[14] = s14;
        acc[15] = s15;
        for (int t = 0; t < lanes; t++) {
          out[t * len + r] = acc[t];
        }
      }
    }
  }

  /**
   * Scores of one query ({@code x} is [features]) against the vectors of
   * {@code part} (a quarter of the blocks of {@link Blocks}; the parts together hold every vector
   * once), into {@code out} at the vectors' own numbers. Sixteen vectors at a time, each sum in a
   * register of its own and x (40 KB on the full-size models) read in place: no add waits on the
   * one before, as in a row-by-row loop, and nothing is written back per term, as in a by-term
   * scatter (one thread, full-size vocabulary: row by row ~4 ms a query, by term ~2.7, these
   * blocks ~1.3). Each sum is
   * still the row's terms in ascending order: the defined sum. The lane kernel still wins from
   * about 10 queries up.
   */
  void scoreAll(float[] x, int part, float[] out) {
    Blocks b = blocks.get();
    char[] ts = b.terms;
    float[] ws = b.weights;
    int[] vs = b.vector;
    int count = b.start.length - 1;
    for (int k = partStart(count, part), end = partStart(count, part + 1); k < end; k++) {
      float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
      float s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
      float s8 = 0f, s9 = 0f, s10 = 0f, s11 = 0f;
      float s12 = 0f, s13 = 0f, s14 = 0f, s15 = 0f;
      for (int p = b.start[k], stop = b.start[k + 1]; p < stop; p += Blocks.WIDTH) {
        s0 += ws[p] * x[ts[p]];
        s1 += ws[p + 1] * x[ts[p + 1]];
        s2 += ws[p + 2] * x[ts[p + 2]];
        s3 += ws[p + 3] * x[ts[p + 3]];
        s4 += ws[p + 4] * x[ts[p + 4]];
        s5 += ws[p + 5] * x[ts[p + 5]];
        s6 += ws[p + 6] * x[ts[p + 6]];
        s7 += ws[p + 7] * x[ts[p + 7]];
        s8 += ws[p + 8] * x[ts[p + 8]];
        s9 += ws[p + 9] * x[ts[p + 9]];
        s10 += ws[p + 10] * x[ts[p + 10]];
        s11 += ws[p + 11] * x[ts[p + 11]];
        s12 += ws[p + 12] * x[ts[p + 12]];
        s13 += ws[p + 13] * x[ts[p + 13]];
        s14 += ws[p + 14] * x[ts[p + 14]];
        s15 += ws[p + 15] * x[ts[p + 15]];
      }
      int v = k * Blocks.WIDTH;
      if (v + Blocks.WIDTH <= vectors) {
        out[vs[v]] = s0;
        out[vs[v + 1]] = s1;
        out[vs[v + 2]] = s2;
        out[vs[v + 3]] = s3;
        out[vs[v + 4]] = s4;
        out[vs[v + 5]] = s5;
        out[vs[v + 6]] = s6;
        out[vs[v + 7]] = s7;
        out[vs[v + 8]] = s8;
        out[vs[v + 9]] = s9;
        out[vs[v + 10]] = s10;
        out[vs[v + 11]] = s11;
        out[vs[v + 12]] = s12;
        out[vs[v + 13]] = s13;
        out[vs[v + 14]] = s14;
        out[vs[v + 15]] = s15;
      } else { // the last block, not full
        float[] sums = {s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15};
        for (int i = 0; v + i < vectors; i++) {
          out[vs[v + i]] = sums[i];
        }
      }
    }
  }

  /**
   * Whether {@link #scoreAll} can score against these features: its layout keeps a term as a
   * {@code char}, a quarter less to read per nonzero than an {@code int} (12 % less time a lone
   * query on the full-size models, one thread, the same process).
   */
  boolean loneQueries() {
    return features <= Character.MAX_VALUE + 1;
  }

  /** Whether {@link #scoreAll}'s layout exists yet. */
  boolean loneQueryLayoutBuilt() {
    return blocks.isMade();
  }

  /**
   * The nonzeros in ELLPACK blocks: the vectors ordered by term count (then number), cut into
   * blocks of {@link #WIDTH}; block k holds its vectors' i-th terms at {@code [start[k] + WIDTH i,
   * start[k] + WIDTH (i + 1))}, vector {@code vector[WIDTH k + j]} in column j. A vector shorter than
   * its block's longest is padded with weight 0 on term 0; adding 0·x (±0) leaves its sum as it
   * was, a sum that starts at +0 never being −0. Ordered by count, the padding is 0.05 % of the
   * full-size vocabulary's nonzeros.
   */
  private static final class Blocks {
    static final int WIDTH = 16;
    final int[] vector;
    final int[] start;
    final char[] terms;
    final float[] weights;

    Blocks(int[] rowStart, int[] rowTerms, float[] rowWeights) {
      int n = rowStart.length - 1;
      long[] byCount = new long[n];
      for (int g = 0; g < n; g++) {
        byCount[g] = (long) (rowStart[g + 1] - rowStart[g]) << 32 | g;
      }
      Arrays.sort(byCount);
      vector = new int[n];
      for (int i = 0; i < n; i++) {
        vector[i] = (int) byCount[i];
      }
      int count = (n + WIDTH - 1) / WIDTH;
      start = new int[count + 1];
      for (int k = 0; k < count; k++) {
        int last = vector[Math.min(n, (k + 1) * WIDTH) - 1]; // the longest of the block
        start[k + 1] = start[k] + WIDTH * (rowStart[last + 1] - rowStart[last]);
      }
      terms = new char[start[count]];
      weights = new float[start[count]];
      for (int i = 0; i < n; i++) {
        int g = vector[i];
        int at = start[i / WIDTH] + i % WIDTH;
        for (int p = rowStart[g]; p < rowStart[g + 1]; p++, at += WIDTH) {
          terms[at] = (char) rowTerms[p];
          weights[at] = rowWeights[p];
        }
      }
    }
  }
}
