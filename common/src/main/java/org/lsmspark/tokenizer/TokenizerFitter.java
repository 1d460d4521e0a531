package org.lsmspark.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TokenizerConfig;

/** Fits a {@link Tokenizer} on a corpus of turns, as the model format's "Fitting" paragraph specifies. */
public final class TokenizerFitter {

  /** A fitted tokenizer and the top singular values of its TF-IDF matrix (empty when F ≤ D). */
  public record Fit(Tokenizer tokenizer, double[] singularValues) {
    public Fit {
      singularValues = singularValues.clone();
    }

    @Override
    public double[] singularValues() {
      return singularValues.clone();
    }
  }

  private TokenizerFitter() {}

  public static Tokenizer fit(List<String> turns, TokenizerConfig config, int embeddingDim) {
    return fitWithSingularValues(turns, config, embeddingDim).tokenizer();
  }

  /**
   * @param turns the corpus, ordered by conversation then turn; repeated turns count once
   * @throws IllegalArgumentException if no term reaches min_df or embeddingDim < 1
   */
  public static Fit fitWithSingularValues(List<String> turns, TokenizerConfig config, int embeddingDim) {
    Objects.requireNonNull(turns, "turns");
    Objects.requireNonNull(config, "config");
    if (embeddingDim < 1) {
      throw new IllegalArgumentException("embedding_dim must be at least 1, got " + embeddingDim);
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (int i = 0; i < turns.size(); i++) {
      String turn = turns.get(i);
      if (turn == null) {
        throw new NullPointerException("turn " + i + " is null");
      }
      distinct.add(turn);
    }
    List<String> vocabulary = List.copyOf(distinct);
    TextAnalyzer analyzer = new TextAnalyzer(config.ngramMax());

    Map<String, long[]> stats = new HashMap<>(); // term -> {document frequency, total count}
    for (String turn : vocabulary) {
      List<String> grams = analyzer.analyze(turn);
      Set<String> seen = new HashSet<>();
      for (String g : grams) {
        long[] s = stats.computeIfAbsent(g, key -> new long[2]);
        s[1]++;
        if (seen.add(g)) {
          s[0]++;
        }
      }
    }
    List<String> terms = selectTerms(stats, config.minDf(), config.maxFeatures());
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("no term occurs in at least min_df=" + config.minDf()
          + " of the " + vocabulary.size() + " distinct turns");
    }
    int f = terms.size();
    int n = vocabulary.size();
    double[] idf = new double[f];
    float[] idf32 = new float[f];
    for (int j = 0; j < f; j++) {
      idf[j] = Math.log((1.0 + n) / (1.0 + stats.get(terms.get(j))[0])) + 1.0;
      idf32[j] = (float) idf[j];
    }

    CsrMatrix counts = countMatrix(vocabulary, terms, analyzer);
    double[][] components = new double[embeddingDim][];
    double[] singularValues;
    if (f > embeddingDim) {
      TruncatedSvd.Result svd = TruncatedSvd.top(tfidf(counts, idf), embeddingDim);
      components = svd.vectors();
      singularValues = svd.values();
    } else {
      for (int d = 0; d < embeddingDim; d++) {
        components[d] = new double[f];
        if (d < f) {
          components[d][d] = 1.0;
        }
      }
      singularValues = new double[0];
    }

    float[] comps32 = new float[embeddingDim * f];
    for (int d = 0; d < embeddingDim; d++) {
      for (int j = 0; j < f; j++) {
        comps32[d * f + j] = (float) components[d][j];
      }
    }
    // as the reference: re-transform with the float32 idf and project with the float32 components
    float[] embeddings = project(tfidf(counts, toDouble(idf32)), comps32, embeddingDim);
    Tokenizer tokenizer = new Tokenizer(config, terms, Tensor.of(idf32, f), Tensor.of(comps32, embeddingDim, f),
        vocabulary, Tensor.of(embeddings, n, embeddingDim));
    return new Fit(tokenizer, singularValues);
  }

  /** Terms with df ≥ minDf; beyond maxFeatures the highest total counts, ties by term order; sorted by code point. */
  static List<String> selectTerms(Map<String, long[]> stats, int minDf, int maxFeatures) {
    List<String> kept = new ArrayList<>();
    stats.forEach((term, s) -> {
      if (s[0] >= minDf) {
        kept.add(term);
      }
    });
    if (kept.size() > maxFeatures) {
      kept.sort((a, b) -> {
        int c = Long.compare(stats.get(b)[1], stats.get(a)[1]);
        return c != 0 ? c : TextAnalyzer.compareCodePoints(a, b);
      });
      kept.subList(maxFeatures, kept.size()).clear();
    }
    kept.sort(TextAnalyzer.CODE_POINT_ORDER);
    return List.copyOf(kept);
  }

  /** Term counts per turn, columns ascending within each row. */
  private static CsrMatrix countMatrix(List<String> vocabulary, List<String> terms, TextAnalyzer analyzer) {
    Map<String, Integer> index = new HashMap<>(terms.size() * 2);
    for (int j = 0; j < terms.size(); j++) {
      index.put(terms.get(j), j);
    }
    int rows = vocabulary.size();
    int[] rowStart = new int[rows + 1];
    int[] cols = new int[1024];
    double[] vals = new double[1024];
    int nnz = 0;
    for (int r = 0; r < rows; r++) {
      List<String> grams = analyzer.analyze(vocabulary.get(r));
      int[] ids = new int[grams.size()];
      int m = 0;
      for (String g : grams) {
        Integer j = index.get(g);
        if (j != null) {
          ids[m++] = j;
        }
      }
      Arrays.sort(ids, 0, m);
      for (int i = 0; i < m; ) {
        int e = i;
        while (e < m && ids[e] == ids[i]) {
          e++;
        }
        if (nnz == cols.length) {
          cols = Arrays.copyOf(cols, nnz * 2);
          vals = Arrays.copyOf(vals, nnz * 2);
        }
        cols[nnz] = ids[i];
        vals[nnz] = e - i;
        nnz++;
        i = e;
      }
      rowStart[r + 1] = nnz;
    }
    return new CsrMatrix(rows, terms.size(), rowStart, Arrays.copyOf(cols, nnz), Arrays.copyOf(vals, nnz));
  }

  /** count × idf, each row L2-normalised (rows without terms stay zero). */
  private static CsrMatrix tfidf(CsrMatrix counts, double[] idf) {
    double[] vals = new double[counts.nonZeros()];
    for (int r = 0; r < counts.rows; r++) {
      double sumSq = 0;
      for (int p = counts.rowStart[r]; p < counts.rowStart[r + 1]; p++) {
        vals[p] = counts.values[p] * idf[counts.colIndex[p]];
        sumSq += vals[p] * vals[p];
      }
      double norm = Math.sqrt(sumSq);
      for (int p = counts.rowStart[r]; p < counts.rowStart[r + 1]; p++) {
        vals[p] /= norm;
      }
    }
    return new CsrMatrix(counts.rows, counts.cols, counts.rowStart, counts.colIndex, vals);
  }

  /** x · componentsᵀ in double, rounded to float32: [rows, dim] row-major. */
  private static float[] project(CsrMatrix x, float[] components, int dim) {
    int f = x.cols;
    float[] out = new float[x.rows * dim];
    for (int r = 0; r < x.rows; r++) {
      for (int d = 0; d < dim; d++) {
        double acc = 0;
        for (int p = x.rowStart[r]; p < x.rowStart[r + 1]; p++) {
          acc += x.values[p] * components[d * f + x.colIndex[p]];
        }
        out[r * dim + d] = (float) acc;
      }
    }
    return out;
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }
}
