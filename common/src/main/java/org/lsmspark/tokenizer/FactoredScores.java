package org.lsmspark.tokenizer;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.lsmspark.tokenizer.VocabularyIndex.Factors;

/**
 * Preselection scores of unit queries against the distinct vocabulary vectors through the model's
 * own factorisation {@code v_g = C a_g + r_g}: {@code C} is {@code components} [D, F] and
 * {@code a_g} the TF-IDF vector of the vocabulary turn, {@code a_gj = n_gj idf_j / ‖t_g‖} for a
 * term counted n_gj times (about 9 terms of 10,000 per distinct vector on the full-size models).
 * With {@code ã_g = a_g / ‖v_g‖ = σ_g (n_gj idf_j)_j}, {@code σ_g = 1 / (‖t_g‖ ‖v_g‖)}, the idf
 * moves to the query's side: {@code y = C'ᵀq} with {@code C' = C diag(idf)} ({@link #projection})
 * is computed once per query (one GEMM for a batch), and each vector's score is a sum of entries
 * of y and one product, {@code s_g = σ_g Σ_j n_gj y_j}: an approximation of {@code cos(q, v_g)}
 * within {@link #bound(int)}. A vector's nonzeros are thus its terms alone (a term counted n times
 * listed n times): no weight to read per term, which the lone-query kernel, bound by memory,
 * runs about a quarter faster, and no multiply per term and lane in the lane kernel.
 *
 * <h2>The bound</h2>
 * With {@code ŵ = q/‖q‖} (exact), {@code cos_g = (Cᵀŵ)·ã_g + ŵ·r_g/‖v_g‖}, so
 * <pre>
 *   |cos_g − s_g| ≤ ρ_g + |(Cᵀŵ)·ã_g − s_g|,   ρ_g = ‖r_g‖ / ‖v_g‖ (Cauchy–Schwarz, ‖ŵ‖ = 1).
 * </pre>
 * The second term is float32 rounding, u = 2⁻²⁴, γ_n = nu/(1 − nu), c_j = ‖C[:, j]‖ and
 * {@code B_g = Σ_j |ã_gj| c_j}. C' in float errs by u idf_j |C_dj| an entry, the unit query in
 * float by u|ŵ_d|, and the GEMM that forms y, in whatever order or blocking BLAS sums, by at most
 * γ_D Σ_d |C'_dj||ŵ_d|: together |ỹ_j − idf_j (Cᵀŵ)_j| ≤ γ_{D+2} idf_j c_j (Cauchy–Schwarz
 * again). Summing the N_g = Σ_j n_gj entries in float costs γ_{N−1}, σ_g in float and the final
 * product u each, so |(Cᵀŵ)·ã_g − s_g| ≤ Σ_j σ_g n_gj idf_j c_j ((1 + γ_{D+2})(1 + γ_{N+1}) − 1)
 * ≤ γ_{D+N+3} B_g. {@link #bound(int)} is ρ_g (computed in double, relative error far below
 * 10⁻⁹) plus <em>twice</em> γ_{D+N+4} B_g (1 + 10⁻⁵), rounded up to a float. Callers keep the
 * existing {@link VocabularyIndex#MARGIN} (10⁻⁴) on top, which covers the rounding of
 * {@code s ± bound} in float and the float ties of the final ranking, exactly as it does for the
 * dense GEMM. A vector whose embedding is not its TF-IDF row times Cᵀ (a model that does not
 * factorise) simply has a wide bound (ρ up to 1, or 1 when it has no TF-IDF terms) and is a
 * candidate for almost every query; the index falls back to the dense GEMM when such vectors are
 * more than a small fraction.
 *
 * <h2>Layout and order</h2>
 * A vector's terms are listed as columns of y: its terms (a repeated term repeated) with the pairs
 * that many vectors share merged into columns of their own ({@link TermPairs}), ascending. A score
 * is defined as {@code σ_g * S} in float, S the float sum {@code S += y_c} over the vector's
 * columns in that order, a pair's y the float sum of its two columns'. The vectors are CSR rows
 * of columns, one per distinct vector, and a group of up to {@link #LANES} queries holds y as
 * [columns][LANES], so each column reads one contiguous LANES-wide row of y into LANES sums held
 * in registers ({@link LaneKernel}). A lone query is scored from a second layout of the columns,
 * sixteen vectors at a time ({@link #scoreAll}, {@link LoneQueryLayout}). Either way every score is
 * the defined one, so it depends on neither the group, the kernel nor the thread that computed it.
 */
final class FactoredScores {
  /** Queries scored together: y is laid out [columns][LANES] (the {@link LaneKernel}s are written for 16). */
  static final int LANES = 16;
  /** Parts of the vectors that {@link #scoreAll} scores independently (in parallel for a lone query). */
  static final int PARTS = 4;
  /** A vector is "wide" when its bound exceeds this: it is rescored for nearly every query. */
  static final double WIDE = 1e-3;

  private static final double U = 0x1p-24;
  /** σ_g outside [2⁻⁶⁰, 2⁶⁰] (an embedding of extreme norm) leaves the vector to its bound of 1. */
  private static final double SCALE_RANGE = 0x1p60;
  /** At most this many {@link TermPairs} columns (each is a lane-wide add per query group). */
  static final int MAX_PAIRS = 12_000;

  final int dim;
  final int features;
  /** Columns of y: the features, then the pairs. */
  final int columns;
  final int vectors;
  private final float[] idf;
  private final TermPairs pairs;
  /** Each vector's columns, ascending: CSR over {@link #pairs}' rewritten rows. */
  private final int[] rowStart;
  private final int[] terms;
  private final float[] scales;
  private final float[] bounds;
  private final int wide;
  /** The lone-query layout of {@link #scoreAll}, built on its first call (batch-256 scoring never needs it). */
  private final Lazy<LoneQueryLayout> loneLayout;
  private final LaneKernel lanes;

  private FactoredScores(int dim, int features, float[] idf, TermPairs pairs, float[] scales, float[] bounds) {
    this.dim = dim;
    this.features = features;
    this.columns = features + pairs.pairs();
    this.vectors = bounds.length;
    this.idf = idf;
    this.pairs = pairs;
    this.rowStart = pairs.rowStart;
    this.terms = pairs.columns;
    this.scales = scales;
    this.bounds = bounds;
    int w = 0;
    for (float b : bounds) {
      if (b > WIDE) {
        w++;
      }
    }
    this.wide = w;
    this.lanes = LaneKernel.best(rowStart, terms, scales, bounds);
    this.loneLayout = new Lazy<>(() -> {
      if (!loneQueries()) {
        throw new IllegalStateException(columns + " columns do not fit the lone-query layout's char terms");
      }
      return new LoneQueryLayout(rowStart, terms, scales, columns);
    });
  }

  /**
   * The factorisation of the given distinct vectors.
   *
   * @param values the vocabulary embeddings, row-major [rows, dim]
   * @param norms their L2 norms (nonzero for every row in {@code vectorRow})
   * @param vectorRow a representative row of each distinct vector
   */
  static FactoredScores build(float[] values, double[] norms, int[] vectorRow, Factors factors, int dim) {
    int n = vectorRow.length;
    int features = factors.features();
    float[] components = factors.components();
    float[] idf = factors.idf();
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
    // the term counts in parallel (texts analysed independently), then a sequential CSR
    int[][] counted = IntStream.range(0, n).parallel()
        .mapToObj(g -> factors.termCounts().apply(vectorRow[g])).toArray(int[][]::new);
    double[] tNorm = IntStream.range(0, n).parallel()
        .mapToDouble(g -> SparseVector.tfidfNorm(counted[g], idf)).toArray(); // once: the scales and the residuals use it
    float[] scales = new float[n];
    for (int g = 0; g < n; g++) {
      double scale = 1 / (tNorm[g] * norms[vectorRow[g]]);
      scales[g] = scale >= 1 / SCALE_RANGE && scale <= SCALE_RANGE ? (float) scale : 0f;
    }
    int[] rowStart = new int[n + 1];
    for (int g = 0; g < n; g++) {
      int count = 0;
      for (int p = 1; scales[g] != 0 && p < counted[g].length; p += 2) {
        count += counted[g][p];
      }
      rowStart[g + 1] = rowStart[g] + count;
    }
    int[] terms = new int[rowStart[n]];
    float[] bounds = new float[n];
    float[] byTerm = factors.componentsByTerm(); // a residual reads whole columns of C
    IntStream.range(0, n).parallel().forEach(g -> {
      SparseVector a = SparseVector.tfidf(counted[g], idf, tNorm[g]);
      int row = vectorRow[g];
      double vNorm = norms[row];
      double[] r = new double[dim];
      for (int d = 0; d < dim; d++) {
        r[d] = values[row * dim + d];
      }
      double b = 0;
      for (int p = 0, at = rowStart[g]; p < a.size(); p++) {
        int j = a.index(p);
        double w = a.value(p);
        for (int d = 0, c = j * dim; d < dim; d++) {
          r[d] -= w * byTerm[c + d];
        }
        b += Math.abs(w / vNorm) * colNorm[j];
        for (int c = 0; at < rowStart[g + 1] && c < counted[g][2 * p + 1]; c++) {
          terms[at++] = j;
        }
      }
      double bound;
      if (rowStart[g + 1] == rowStart[g]) {
        bound = 1; // s_g = 0 against a cosine in [−1, 1]
      } else {
        double rr = 0;
        for (int d = 0; d < dim; d++) {
          rr += r[d] * r[d];
        }
        double rho = Math.sqrt(rr) / vNorm;
        double gamma = (dim + rowStart[g + 1] - rowStart[g] + 4) * U;
        gamma = gamma / (1 - gamma) * (1 + 1e-5);
        bound = rho * (1 + 1e-9) + 2 * gamma * b;
      }
      float f = (float) bound;
      bounds[g] = f >= bound ? f : Math.nextUp(f);
    });
    // pairs never push a layout that fits the lone-query kernel's char columns out of it
    int maxPairs = features <= Character.MAX_VALUE ? Math.min(MAX_PAIRS, Character.MAX_VALUE - features) : MAX_PAIRS;
    return new FactoredScores(dim, features, idf, TermPairs.merge(rowStart, terms, features, maxPairs), scales,
        bounds);
  }

  /** Scores made of arrays {@link #build} made before (read back from {@link IndexCache}). */
  static FactoredScores of(int dim, int features, float[] idf, TermPairs pairs, float[] scales, float[] bounds) {
    if (scales.length != bounds.length || pairs.rowStart.length != bounds.length + 1) {
      throw new IllegalArgumentException("factored scores: " + bounds.length + " bounds, " + scales.length
          + " scales, " + (pairs.rowStart.length - 1) + " rows");
    }
    for (float b : bounds) {
      if (!(b >= 0)) {
        throw new IllegalArgumentException("factored scores: bound " + b);
      }
    }
    return new FactoredScores(dim, features, idf, pairs, scales, bounds);
  }

  /**
   * C' = C diag(idf) in float, [dim, features] row-major: the matrix whose transpose times a unit
   * query gives the y that {@link #scoreListed} and {@link #scoreAll} read.
   *
   * @param components C [dim, features], row-major
   */
  float[] projection(float[] components) {
    float[] scaled = new float[components.length];
    for (int d = 0; d < dim; d++) {
      for (int j = 0; j < features; j++) {
        scaled[d * features + j] = components[d * features + j] * idf[j];
      }
    }
    return scaled;
  }

  /** Where part {@code part} of {@link #PARTS} equal ranges of {@code [0, n)} starts ({@code part = PARTS}: n). */
  static int partStart(int n, int part) {
    return (int) ((long) n * part / PARTS);
  }

  /** The per-vector bound on |cosine − score|, indexed by distinct vector. */
  float[] bounds() {
    return bounds;
  }

  /** σ_g, indexed by distinct vector (0: the vector is left to its bound). */
  float[] scales() {
    return scales;
  }

  float bound(int g) {
    return bounds[g];
  }

  /** The columns of all vectors (their terms, a repeated term counted each time, with pairs merged). */
  int nonZeros() {
    return terms.length;
  }

  /** Pair columns ({@link TermPairs}). */
  int pairs() {
    return pairs.pairs();
  }

  /** Vector g's columns, ascending (what both kernels sum). */
  int[] row(int g) {
    return Arrays.copyOfRange(terms, rowStart[g], rowStart[g + 1]);
  }

  /** The columns pair p adds: {@code {left, right}}. */
  int[] pair(int p) {
    return new int[] {pairs.left[p], pairs.right[p]};
  }

  /**
   * Completes a y whose first {@link #features} columns are set, laid out [columns][width] (width
   * 1 for {@link #scoreAll}, {@link #LANES} for {@link #scoreListed}): the pair columns.
   */
  void addPairs(float[] y, int width) {
    if (width == LANES) {
      lanes.addPairs(y, pairs, features);
    } else {
      pairs.addPairs(y, features, width);
    }
  }

  /** The merged pairs (tests run each kernel's {@link LaneKernel#addPairs} on them). */
  TermPairs termPairs() {
    return pairs;
  }

  /** Vectors whose bound exceeds {@link #WIDE}. */
  int wide() {
    return wide;
  }

  /**
   * Scores of the {@link #LANES} queries of {@code y} ([columns][LANES] with its pairs added,
   * {@link #addPairs}; lanes without a query zero) against the vectors at positions
   * {@code [first, first + len)} of the lane kernel's order, listed where some lane may want them
   * ({@link LaneKernel#scoreListed}). Every lane is computed: a branch for fewer lanes, taken only
   * by a batch's last group, cost the JIT a deoptimization and a recompilation during warm-up.
   */
  int scoreListed(float[] y, int first, int len, float[] floors, int[] vectors, float[] scores) {
    return lanes.scoreListed(y, first, len, floors, vectors, scores);
  }

  /** The lane kernel {@link #scoreListed} runs. */
  LaneKernel laneKernel() {
    return lanes;
  }

  /**
   * Scores of one query against the vectors of {@code part} ({@link LoneQueryLayout#score}), into
   * {@code out} at the vectors' own numbers; {@code y} is [columns + 1] with its pairs added, its
   * last entry 0. Builds the layout on the first call.
   */
  void scoreAll(float[] y, int part, float[] out) {
    loneLayout.get().score(y, part, out);
  }

  /**
   * Whether {@link #scoreAll} can score against these columns: its layout keeps a column as a
   * {@code char}, column {@link #columns} (the padding's) included, a quarter less to read per term
   * than an {@code int} (12 % less time a lone query on the full-size models, one thread, the same
   * process).
   */
  boolean loneQueries() {
    return columns <= Character.MAX_VALUE;
  }

  /** Whether {@link #scoreAll}'s layout exists yet. */
  boolean loneQueryLayoutBuilt() {
    return loneLayout.isMade();
  }

}
