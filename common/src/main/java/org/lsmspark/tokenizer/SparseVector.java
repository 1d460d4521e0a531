package org.lsmspark.tokenizer;

import java.util.Arrays;

/**
 * A sparse vector over the model's TF-IDF terms: ascending term indices and their values.
 * Immutable; {@link #dot} merges the two index lists.
 */
public final class SparseVector {
  static final SparseVector EMPTY = new SparseVector(new int[0], new double[0]);

  private final int[] indices;
  private final double[] values;

  SparseVector(int[] indices, double[] values) {
    if (indices.length != values.length) {
      throw new IllegalArgumentException(indices.length + " indices but " + values.length + " values");
    }
    for (int i = 1; i < indices.length; i++) {
      if (indices[i] <= indices[i - 1]) {
        throw new IllegalArgumentException("term indices must ascend, got " + indices[i - 1] + " then " + indices[i]);
      }
    }
    this.indices = indices;
    this.values = values;
  }

  /**
   * The L2-normalised TF-IDF vector of (term, count) pairs by ascending term ({@code termCounts}
   * holds them flat): count × idf in double, over {@link #tfidfNorm}; empty for no pairs.
   */
  static SparseVector tfidf(int[] termCounts, float[] idf) {
    return tfidf(termCounts, idf, tfidfNorm(termCounts, idf));
  }

  /** {@link #tfidf(int[], float[])} with its {@link #tfidfNorm} already known. */
  static SparseVector tfidf(int[] termCounts, float[] idf, double norm) {
    int pairs = termCounts.length / 2;
    if (pairs == 0) {
      return EMPTY;
    }
    int[] idx = new int[pairs];
    double[] w = new double[pairs];
    for (int p = 0; p < pairs; p++) {
      idx[p] = termCounts[2 * p];
      w[p] = termCounts[2 * p + 1] * (double) idf[idx[p]] / norm;
    }
    return new SparseVector(idx, w);
  }

  /** The L2 norm of the unnormalised TF-IDF vector (count × idf) of (term, count) pairs. */
  static double tfidfNorm(int[] termCounts, float[] idf) {
    double sumSq = 0;
    for (int p = 0; p < termCounts.length; p += 2) {
      double w = termCounts[p + 1] * (double) idf[termCounts[p]];
      sumSq += w * w;
    }
    return Math.sqrt(sumSq);
  }

  /** Number of non-zero terms. */
  public int size() {
    return indices.length;
  }

  public int index(int i) {
    return indices[i];
  }

  public double value(int i) {
    return values[i];
  }

  public double dot(SparseVector other) {
    double sum = 0;
    int i = 0;
    int j = 0;
    while (i < indices.length && j < other.indices.length) {
      int a = indices[i];
      int b = other.indices[j];
      if (a == b) {
        sum += values[i++] * other.values[j++];
      } else if (a < b) {
        i++;
      } else {
        j++;
      }
    }
    return sum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseVector s && Arrays.equals(indices, s.indices) && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < indices.length; i++) {
      b.append(i == 0 ? "" : ", ").append(indices[i]).append('=').append(values[i]);
    }
    return b.append('}').toString();
  }
}
