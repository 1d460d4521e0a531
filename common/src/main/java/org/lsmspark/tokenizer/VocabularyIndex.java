package org.lsmspark.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact top-k cosine search over the vocabulary embeddings. A float32 GEMM per vocabulary block
 * only preselects candidates; every candidate is then rescored in double in plain Java, so the
 * result depends neither on the batch size nor on how BLAS blocks or threads the product, and
 * turns with identical embeddings tie exactly (broken by index).
 *
 * <p>The product runs over the distinct nonzero embeddings only: a vocabulary of real turns
 * repeats many vectors (turns that differ only in stop words or punctuation share one TF-IDF
 * vector; a quarter of a 166,468-turn corpus), and a zero embedding has similarity 0 with
 * everything. A distinct vector that is preselected brings every row that shares it, all scored
 * identically; zero rows join the candidates whenever 0 reaches the preselection floor. Keeping
 * the k best distinct vectors can only keep more rows than needed, so the exact result is
 * unchanged.
 *
 * <p>When the vocabulary embeddings are the model's TF-IDF rows times {@code components}ᵀ (the
 * model format's definition) and the vocabulary is large, the preselection scores come instead
 * from {@link FactoredScores}: x = Cᵀq once per query, then a sparse dot product of ~7 terms per
 * distinct vector, each within a proven per-vector bound of the cosine; a vector stays a candidate
 * while its score plus its bound reaches the k-th best lower end, so the exact rescoring, and with
 * it every result, is the same as the dense GEMM's. Which preselection runs is decided on first
 * decode ({@link Preselect}) and logged.
 */
final class VocabularyIndex {
  private static final Logger LOG = LoggerFactory.getLogger(VocabularyIndex.class);

  /** One ranked vocabulary row. */
  record Hit(int index, double score) {}

  /** Which preselection the index uses: AUTO decides by cost and by how well the rows factorise. */
  enum Preselect {
    AUTO, DENSE, FACTORED;

    /** System property {@code lsm.decode.preselect}: auto (default), dense or factored. */
    static Preselect fromSystemProperty() {
      String v = System.getProperty("lsm.decode.preselect", "auto");
      try {
        return valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("lsm.decode.preselect must be auto, dense or factored, got " + v, e);
      }
    }
  }

  /**
   * The model's factorisation of the vocabulary embeddings: {@code components} [D, F] row-major
   * and a row's L2-normalised TF-IDF vector.
   */
  record Factors(float[] components, int features, IntFunction<SparseVector> tfidf) {}

  /** What the first decode builds: the dense unit blocks, or the factored scores and C as an INDArray. */
  private record Built(List<INDArray> blocks, FactoredScores factored, INDArray components) {}

  /** AUTO uses the factored preselection only when at most this fraction of vectors has a wide bound. */
  static final double MAX_WIDE_FRACTION = 0.01;
  /** Queries whose x = Cᵀq one GEMM computes (x is [queries, F] floats). */
  static final int FACTORED_CHUNK = 256;
  /** Distinct vectors scored per pass of a query group (the group's scores stay in cache). */
  static final int FACTORED_BLOCK = 2048;

  static final int DEFAULT_BLOCK_ROWS = 8192;
  /** Candidates are kept down to this below the k-th best GEMM score; float32 cosine errors are ~1e-6. */
  static final float MARGIN = 1e-4f;

  private final float[] values;
  private final int size;
  private final int dim;
  private final int blockRows;
  private final double[] norms;
  /** The distinct nonzero vectors: a representative row each, and their rows (ascending) in CSR form. */
  private final int[] uniqueRow;
  private final int[] groupStart;
  private final int[] groupRows;
  /** Rows whose embedding is zero. */
  private final int[] zeroRows;
  private final Factors factors;
  private final Preselect preselect;
  /** Built on first decode: ND4J's start-up costs seconds and encode-only users never need it. */
  private volatile Built built;

  VocabularyIndex(float[] values, int size, int dim) {
    this(values, size, dim, DEFAULT_BLOCK_ROWS);
  }

  VocabularyIndex(float[] values, int size, int dim, int blockRows) {
    this(values, size, dim, blockRows, null, Preselect.DENSE);
  }

  /** @param factors null when the embeddings have no known factorisation (dense preselection) */
  VocabularyIndex(float[] values, int size, int dim, int blockRows, Factors factors, Preselect preselect) {
    this.factors = factors;
    this.preselect = factors == null ? Preselect.DENSE : preselect;
    this.values = values;
    this.size = size;
    this.dim = dim;
    this.norms = new double[size];
    for (int r = 0; r < size; r++) {
      norms[r] = norm(values, r * dim, dim);
    }
    // group rows by their exact bits; groups are numbered by their first row
    Map<RowKey, Integer> groupOf = new HashMap<>(size * 2);
    int[] group = new int[size];
    int[] counts = new int[size];
    int groups = 0;
    int zeros = 0;
    for (int r = 0; r < size; r++) {
      if (norms[r] == 0) {
        group[r] = -1;
        zeros++;
        continue;
      }
      Integer g = groupOf.putIfAbsent(new RowKey(values, r * dim, dim), groups);
      if (g == null) {
        g = groups++;
      }
      group[r] = g;
      counts[g]++;
    }
    this.uniqueRow = new int[groups];
    this.groupStart = new int[groups + 1];
    for (int g = 0; g < groups; g++) {
      groupStart[g + 1] = groupStart[g] + counts[g];
    }
    this.groupRows = new int[size - zeros];
    this.zeroRows = new int[zeros];
    int[] fill = Arrays.copyOf(groupStart, groups);
    int z = 0;
    for (int r = 0; r < size; r++) {
      int g = group[r];
      if (g < 0) {
        zeroRows[z++] = r;
      } else {
        if (fill[g] == groupStart[g]) {
          uniqueRow[g] = r;
        }
        groupRows[fill[g]++] = r;
      }
    }
    this.blockRows = Math.max(1, Math.min(blockRows, groups));
  }

  /** For each query its top {@code k} (1 ≤ k ≤ size) rows by cosine similarity, ties by index. */
  Hit[][] topK(float[][] queries, int k) {
    int n = queries.length;
    double[] qNorms = new double[n];
    float[] unit = units(queries, qNorms);
    TopKSelector[] selectors = new TopKSelector[n];
    for (int i = 0; i < n; i++) {
      selectors[i] = qNorms[i] > 0 ? new TopKSelector(k) : null;
    }
    forEachBlock(unit, qNorms, (i, scores, from, len, first, bounds) -> {
      if (bounds == null) {
        selectors[i].offer(scores, from, len, first);
      } else {
        selectors[i].offer(scores, from, len, first, bounds);
      }
    });
    Hit[][] result = new Hit[n][];
    for (int i = 0; i < n; i++) {
      result[i] = selectors[i] == null ? firstRows(k) : rescore(queries[i], qNorms[i], selectors[i], k);
    }
    return result;
  }

  /**
   * For each query, the 1-based rank of row {@code rows[i]} over the whole vocabulary in the order
   * {@link #topK} lists rows: the float32 value of the exact cosine, descending, ties by index.
   * Rows whose preselection score is clearly above or below the given row's are counted without
   * rescoring; only those within the margin are rescored.
   */
  long[] ranks(float[][] queries, int[] rows) {
    int n = queries.length;
    double[] qNorms = new double[n];
    float[] unit = units(queries, qNorms);
    float[] target = new float[n];
    long[] above = new long[n];
    for (int i = 0; i < n; i++) {
      if (qNorms[i] == 0) {
        above[i] = rows[i]; // every score is 0: the rows before it by index
        continue;
      }
      target[i] = (float) cosine(queries[i], qNorms[i], rows[i]);
      for (int z : zeroRows) {
        if (0f > target[i] || (0f == target[i] && z < rows[i])) {
          above[i]++;
        }
      }
    }
    forEachBlock(unit, qNorms, (i, scores, from, len, first, bounds) -> {
      float hi = target[i] + MARGIN;
      float lo = target[i] - MARGIN;
      for (int j = 0; j < len; j++) {
        int g = first + j;
        float b = bounds == null ? 0f : bounds[g];
        if (scores[from + j] + b < lo) {
          continue;
        }
        int members = groupStart[g + 1] - groupStart[g];
        if (scores[from + j] - b > hi) {
          above[i] += members;
          continue;
        }
        float exact = (float) cosine(queries[i], qNorms[i], uniqueRow[g]);
        if (exact > target[i]) {
          above[i] += members;
        } else if (exact == target[i]) {
          for (int p = groupStart[g]; p < groupStart[g + 1]; p++) {
            if (groupRows[p] < rows[i]) {
              above[i]++;
            }
          }
        }
      }
    });
    for (int i = 0; i < n; i++) {
      above[i]++;
    }
    return above;
  }

  /** The queries scaled to unit length (zero stays zero), their norms into {@code norms}. */
  private float[] units(float[][] queries, double[] norms) {
    float[] unit = new float[queries.length * dim];
    for (int i = 0; i < queries.length; i++) {
      norms[i] = norm(queries[i], 0, dim);
      if (norms[i] > 0) {
        for (int d = 0; d < dim; d++) {
          unit[i * dim + d] = (float) (queries[i][d] / norms[i]);
        }
      }
    }
    return unit;
  }

  /**
   * Receives one query's float32 preselection scores against a block of distinct vectors; with
   * {@code bounds} (indexed by distinct vector) the exact cosine of vector g lies within
   * {@code bounds[g]} of its score, without (the dense GEMM) within a float32 GEMM's error.
   */
  private interface BlockScores {
    void accept(int query, float[] scores, int from, int len, int firstVector, float[] bounds);
  }

  /**
   * Every nonzero query's preselection scores against every distinct vector, block by block; a
   * query's blocks arrive in order and on one thread, different queries may be visited
   * concurrently.
   */
  private void forEachBlock(float[] unit, double[] qNorms, BlockScores visit) {
    boolean any = false;
    for (double q : qNorms) {
      any |= q > 0;
    }
    if (!any || uniqueRow.length == 0) {
      return;
    }
    Built b = built();
    if (b.factored() != null) {
      forEachFactored(b, unit, qNorms, visit);
    } else {
      forEachDense(b.blocks(), unit, qNorms, visit);
    }
  }

  /**
   * The factored preselection: x = Cᵀq for up to {@link #FACTORED_CHUNK} queries in one GEMM, then
   * groups of {@link FactoredScores#LANES} queries in parallel (each query's scores are the same
   * float sums whatever its group or thread, see {@link FactoredScores}).
   */
  private void forEachFactored(Built b, float[] unit, double[] qNorms, BlockScores visit) {
    FactoredScores f = b.factored();
    int[] live = IntStream.range(0, qNorms.length).filter(i -> qNorms[i] > 0).toArray();
    int features = f.features;
    for (int c = 0; c < live.length; c += FACTORED_CHUNK) {
      int m = Math.min(FACTORED_CHUNK, live.length - c);
      float[] q = new float[m * dim];
      for (int i = 0; i < m; i++) {
        System.arraycopy(unit, live[c + i] * dim, q, i * dim, dim);
      }
      INDArray x = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, features}, 'c');
      Nd4j.gemm(Nd4j.create(q, new long[] {m, dim}, 'c'), b.components(), x, false, false, 1.0, 0.0);
      float[] xs = new float[m * features];
      x.data().asNioFloat().get(xs, 0, xs.length);
      int groups = (m + FactoredScores.LANES - 1) / FactoredScores.LANES;
      int chunk = c;
      IntStream range = IntStream.range(0, groups);
      (groups > 1 ? range.parallel() : range).forEach(gi -> {
        int from = gi * FactoredScores.LANES;
        scoreGroup(f, xs, live, chunk + from, from, Math.min(FactoredScores.LANES, m - from), visit);
      });
    }
  }

  /** Lanes queries from {@code xs} row {@code from} (query numbers {@code live[liveFrom...]}) against every vector. */
  private static void scoreGroup(FactoredScores f, float[] xs, int[] live, int liveFrom, int from, int lanes,
      BlockScores visit) {
    int features = f.features;
    int block = Math.max(1, Math.min(FACTORED_BLOCK, f.vectors));
    float[] out = new float[lanes * block];
    float[] xg = null;
    float[] acc = new float[FactoredScores.LANES];
    if (lanes > 1) {
      xg = new float[features * FactoredScores.LANES];
      for (int t = 0; t < lanes; t++) {
        int src = (from + t) * features;
        for (int j = 0; j < features; j++) {
          xg[j * FactoredScores.LANES + t] = xs[src + j];
        }
      }
    }
    float[] bounds = f.bounds();
    for (int start = 0; start < f.vectors; start += block) {
      int len = Math.min(block, f.vectors - start);
      if (lanes == 1) {
        f.scoreOne(xs, from * features, start, len, out);
      } else {
        f.scoreLanes(xg, lanes, start, len, acc, out);
      }
      for (int t = 0; t < lanes; t++) {
        visit.accept(live[liveFrom + t], out, t * len, len, start, bounds);
      }
    }
  }

  /** One GEMM per block of distinct vectors for all nonzero queries; {@code visit} sees each query's scores. */
  private void forEachDense(List<INDArray> blocks, float[] unit, double[] qNorms, BlockScores visit) {
    int n = qNorms.length;
    INDArray q = Nd4j.create(unit, new long[] {n, dim}, 'c');
    float[] scores = new float[n * blockRows];
    INDArray buffer = null;
    int start = 0;
    for (INDArray block : blocks) {
      int rows = (int) block.rows();
      if (buffer == null || buffer.columns() != rows) {
        buffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, rows}, 'c');
      }
      Nd4j.gemm(q, block, buffer, false, true, 1.0, 0.0);
      buffer.data().asNioFloat().get(scores, 0, n * rows);
      for (int i = 0; i < n; i++) {
        if (qNorms[i] > 0) {
          visit.accept(i, scores, i * rows, rows, start, null);
        }
      }
      start += rows;
    }
  }

  private Built built() {
    Built b = built;
    if (b == null) {
      synchronized (this) {
        b = built;
        if (b == null) {
          b = build();
          built = b;
        }
      }
    }
    return b;
  }

  /** Which preselection runs (factored or dense, see {@link Preselect}), built now; one log line. */
  private Built build() {
    long t0 = System.nanoTime();
    int unique = uniqueRow.length;
    long dense = (long) unique * dim;
    String why;
    FactoredScores f = null;
    if (preselect == Preselect.DENSE) {
      why = factors == null ? "no factorisation known" : "forced";
    } else if (preselect == Preselect.AUTO && 2L * factors.features() * dim > dense) {
      why = "x = Cᵀq (F·D = " + (long) factors.features() * dim + ") costs more than half the dense product";
    } else {
      f = FactoredScores.build(values, norms, uniqueRow, factors.components(), dim, factors.features(),
          factors.tfidf());
      long cost = (long) factors.features() * dim + f.nonZeros() + (long) f.wide() * dim;
      if (preselect == Preselect.FACTORED) {
        why = "forced";
      } else if (f.wide() > MAX_WIDE_FRACTION * unique) {
        why = f.wide() + " vectors do not factorise (bound > " + FactoredScores.WIDE + ")";
        f = null;
      } else if (2 * cost > dense) {
        why = "factored cost " + cost + " is more than half the dense " + dense;
        f = null;
      } else {
        why = "about " + cost + " multiply-adds a query against " + dense + " dense";
      }
    }
    Built b;
    String what;
    if (f != null) {
      INDArray c = Nd4j.create(factors.components(), new long[] {dim, factors.features()}, 'c');
      b = new Built(null, f, c);
      what = "factored: " + f.nonZeros() + " nonzeros, " + f.wide() + " wide vectors, F = " + f.features;
    } else {
      b = new Built(buildBlocks(), null, null);
      what = "dense";
    }
    LOG.info("decode preselection {} ({}); {} rows, {} distinct nonzero vectors; built in {} ms",
        what, why, size, unique, (System.nanoTime() - t0) / 1_000_000);
    return b;
  }

  /** True when the first decode chose the factored preselection (building it now if needed). */
  boolean factored() {
    return uniqueRow.length > 0 && built().factored() != null;
  }

  /** The distinct nonzero vectors, unit length, in blocks of at most {@code blockRows}. */
  private List<INDArray> buildBlocks() {
    List<INDArray> list = new ArrayList<>();
    int unique = uniqueRow.length;
    for (int start = 0; start < unique; start += blockRows) {
      int rows = Math.min(blockRows, unique - start);
      float[] unit = new float[rows * dim];
      for (int r = 0; r < rows; r++) {
        int row = uniqueRow[start + r];
        double nrm = norms[row];
        if (nrm > 0) {
          int src = row * dim;
          for (int d = 0; d < dim; d++) {
            unit[r * dim + d] = (float) (values[src + d] / nrm);
          }
        }
      }
      list.add(Nd4j.create(unit, new long[] {rows, dim}, 'c'));
    }
    return List.copyOf(list);
  }

  /** A zero query has similarity 0 with every row, so the first k rows win the tie. */
  private static Hit[] firstRows(int k) {
    Hit[] hits = new Hit[k];
    for (int i = 0; i < k; i++) {
      hits[i] = new Hit(i, 0.0);
    }
    return hits;
  }

  private Hit[] rescore(float[] query, double qNorm, TopKSelector s, int k) {
    float floor = s.floor();
    List<Hit> hits = new ArrayList<>();
    for (int c = 0; c < s.count(); c++) {
      if (s.score(c) >= floor) {
        int g = s.row(c);
        double score = cosine(query, qNorm, uniqueRow[g]); // the same bits give the same score
        for (int p = groupStart[g]; p < groupStart[g + 1]; p++) {
          hits.add(new Hit(groupRows[p], score));
        }
      }
    }
    if (0f >= floor) {
      for (int row : zeroRows) {
        hits.add(new Hit(row, 0.0));
      }
    }
    return ranked(hits, k);
  }

  /**
   * The top {@code k} of the given distinct vectors (numbers below {@link #distinctCount()}),
   * every one rescored exactly and expanded to its rows, ranked as {@link #topK} ranks; zero rows
   * join when 0 reaches the k-th best. Null when the candidates hold fewer than {@code k} rows.
   */
  Hit[] rankDistinct(float[] query, int[] distinct, int k) {
    double qNorm = norm(query, 0, dim);
    if (qNorm == 0) {
      return firstRows(k);
    }
    List<Hit> hits = new ArrayList<>();
    for (int g : distinct) {
      double score = cosine(query, qNorm, uniqueRow[g]);
      for (int p = groupStart[g]; p < groupStart[g + 1]; p++) {
        hits.add(new Hit(groupRows[p], score));
      }
    }
    Hit[] best = hits.size() >= k ? ranked(hits, k) : null;
    if (best == null || (float) best[k - 1].score() <= 0f) {
      for (int row : zeroRows) {
        hits.add(new Hit(row, 0.0));
      }
      best = hits.size() >= k ? ranked(hits, k) : null;
    }
    return best;
  }

  /** How many distinct nonzero vectors the vocabulary holds. */
  int distinctCount() {
    return uniqueRow.length;
  }

  /** Distinct vector {@code g} scaled to unit length, in float32 (for an approximate index). */
  float[] distinctUnit(int g) {
    int row = uniqueRow[g];
    float[] out = new float[dim];
    for (int d = 0; d < dim; d++) {
      out[d] = (float) (values[row * dim + d] / norms[row]);
    }
    return out;
  }

  /**
   * The first {@code k} hits ranked by the float32 score callers report, ties by index: two
   * different doubles that round to the same float must not come out in reverse index order.
   */
  private static Hit[] ranked(List<Hit> hits, int k) {
    hits.sort((a, b) -> {
      int c = Float.compare((float) b.score(), (float) a.score());
      return c != 0 ? c : Integer.compare(a.index(), b.index());
    });
    return hits.subList(0, k).toArray(new Hit[0]);
  }

  private double cosine(float[] query, double qNorm, int row) {
    double vNorm = norms[row];
    if (vNorm == 0) {
      return 0.0;
    }
    int base = row * dim;
    double dot = 0;
    for (int d = 0; d < dim; d++) {
      dot += (double) query[d] * values[base + d];
    }
    return dot / (qNorm * vNorm);
  }

  private static double norm(float[] v, int offset, int len) {
    double s = 0;
    for (int d = 0; d < len; d++) {
      double x = v[offset + d];
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
