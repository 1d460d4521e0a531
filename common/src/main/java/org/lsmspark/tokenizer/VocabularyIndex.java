package org.lsmspark.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Exact top-k cosine search over the vocabulary embeddings. A float32 preselection
 * ({@link Preselection}: a GEMM per vocabulary block, or the factored scores) only picks
 * candidates; every candidate is then rescored in double in plain Java, so the result depends neither on the batch size nor on how BLAS blocks or threads the product, and
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
 * decode ({@link PreselectionChoice}) and logged.
 *
 * <p>This class keeps the deduplication, the candidates ({@link TopKSelector}), the exact
 * rescoring and the ranking; the preselections are {@link Preselection}s.
 */
final class VocabularyIndex {
  /** One ranked vocabulary row. */
  record Hit(int index, double score) {}

  /** Which preselection the index uses: AUTO decides by cost and by how well the rows factorise ({@link PreselectionChoice}). */
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
   * The model's factorisation of the vocabulary embeddings: {@code components} [D, F] row-major,
   * the terms' {@code idf} [F] and a row's (term, count) pairs ({@link Tokenizer#termCounts}),
   * whose TF-IDF vector is {@link SparseVector#tfidf(int[], float[])}; {@code componentsByTerm}
   * is C laid out by term ({@link Tokenizer#byTerm}); {@code modelKey}, the model's fingerprint,
   * names the factored arrays in {@code cache} (null: not cached).
   */
  record Factors(float[] components, float[] componentsByTerm, int features, float[] idf,
      IntFunction<int[]> termCounts, String modelKey, IndexCache cache) {
    Factors(float[] components, int features, float[] idf, IntFunction<int[]> termCounts, String modelKey,
        IndexCache cache) {
      this(components, Tokenizer.byTerm(components, components.length / features, features), features, idf,
          termCounts, modelKey, cache);
    }

    Factors(float[] components, int features, float[] idf, IntFunction<int[]> termCounts) {
      this(components, features, idf, termCounts, null, IndexCache.of("off"));
    }
  }

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
  private final Lazy<Preselection> built;

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
    RowGroups rows = RowGroups.of(values, size, dim);
    this.norms = rows.norms;
    this.uniqueRow = rows.first;
    this.groupStart = rows.start;
    this.groupRows = rows.rows;
    this.zeroRows = rows.zeroRows;
    this.blockRows = Math.max(1, Math.min(blockRows, rows.groups()));
    this.built = new Lazy<>(() -> PreselectionChoice.build(this.preselect, factors, values, norms, uniqueRow, size, dim,
        this.blockRows));
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
    forEachBlock(unit, qNorms, new Preselection.BlockScores() {
      @Override
      public void accept(int i, float[] scores, int from, int len, int first, float[] bounds) {
        if (bounds == null) {
          selectors[i].offer(scores, from, len, first);
        } else {
          selectors[i].offer(scores, from, len, first, bounds);
        }
      }

      @Override
      public float floor(int i) {
        return selectors[i].floor();
      }

      @Override
      public void acceptListed(int i, float[] scores, int offset, int stride, int[] vectors, int count,
          float[] bounds) {
        selectors[i].offerListed(scores, offset, stride, vectors, count, bounds);
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
    forEachBlock(unit, qNorms, new Preselection.BlockScores() {
      @Override
      public void accept(int i, float[] scores, int from, int len, int first, float[] bounds) {
        for (int j = 0; j < len; j++) {
          count(i, first + j, scores[from + j], bounds == null ? 0f : bounds[first + j]);
        }
      }

      @Override
      public void acceptListed(int i, float[] scores, int offset, int stride, int[] vectors, int count,
          float[] bounds) {
        for (int j = 0; j < count; j++) {
          count(i, vectors[j], scores[offset + j * stride], bounds[vectors[j]]);
        }
      }

      /** Counts vector g's rows if they rank above query i's row (score s within b of the exact cosine). */
      private void count(int i, int g, float s, float b) {
        if (s + b < target[i] - MARGIN) {
          return;
        }
        int members = groupStart[g + 1] - groupStart[g];
        if (s - b > target[i] + MARGIN) {
          above[i] += members;
          return;
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
   * Every nonzero query's preselection scores against every distinct vector, block by block; a
   * query's blocks arrive in order, one visit finished before the next begins (possibly on another
   * thread), different queries may be visited concurrently.
   */
  private void forEachBlock(float[] unit, double[] qNorms, Preselection.BlockScores visit) {
    boolean any = false;
    for (double q : qNorms) {
      any |= q > 0;
    }
    if (!any || uniqueRow.length == 0) {
      return;
    }
    built.get().forEachBlock(unit, qNorms, visit);
  }

  /** True when the first decode chose the factored preselection (building it now if needed). */
  boolean factored() {
    return uniqueRow.length > 0 && built.get() instanceof FactoredPreselection;
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

  /** The L2 norm of {@code v[offset, offset + len)}, summed in double in order: the vocabulary's and the queries' alike. */
  static double norm(float[] v, int offset, int len) {
    double s = 0;
    for (int d = 0; d < len; d++) {
      double x = v[offset + d];
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
