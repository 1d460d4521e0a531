package org.lsmspark.tokenizer;

import java.util.Arrays;
import java.util.stream.IntStream;

/** An immutable sparse matrix in compressed sparse row form, double values. */
final class CsrMatrix {
  /** Fixed, not per-core, so that partial sums add up in the same order on every machine. */
  private static final int PARTITIONS = 8;

  final int rows;
  final int cols;
  final int[] rowStart;
  final int[] colIndex;
  final double[] values;

  CsrMatrix(int rows, int cols, int[] rowStart, int[] colIndex, double[] values) {
    if (rowStart.length != rows + 1 || colIndex.length != values.length || rowStart[rows] != values.length) {
      throw new IllegalArgumentException("inconsistent CSR arrays for a " + rows + " x " + cols + " matrix");
    }
    this.rows = rows;
    this.cols = cols;
    this.rowStart = rowStart;
    this.colIndex = colIndex;
    this.values = values;
  }

  int nonZeros() {
    return values.length;
  }

  /** Row-major dense copy. */
  double[][] toDense() {
    double[][] dense = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int p = rowStart[r]; p < rowStart[r + 1]; p++) {
        dense[r][colIndex[p]] = values[p];
      }
    }
    return dense;
  }

  /**
   * Xᵀ(X q) for a row-major [cols, l] matrix q, as a row-major [cols, l] array, without forming
   * X q: each partition of rows accumulates its own partial product, summed in partition order.
   */
  double[] gramTimes(double[] q, int l) {
    int parts = Math.max(1, Math.min(PARTITIONS, rows));
    double[][] partial = IntStream.range(0, parts).parallel()
        .mapToObj(p -> gramPart(q, l, (int) ((long) rows * p / parts), (int) ((long) rows * (p + 1) / parts)))
        .toArray(double[][]::new);
    double[] z = partial[0];
    for (int p = 1; p < parts; p++) {
      double[] part = partial[p];
      for (int i = 0; i < z.length; i++) {
        z[i] += part[i];
      }
    }
    return z;
  }

  private double[] gramPart(double[] q, int l, int from, int to) {
    double[] z = new double[cols * l];
    double[] y = new double[l];
    for (int r = from; r < to; r++) {
      Arrays.fill(y, 0);
      for (int p = rowStart[r]; p < rowStart[r + 1]; p++) {
        double x = values[p];
        int base = colIndex[p] * l;
        for (int c = 0; c < l; c++) {
          y[c] += x * q[base + c];
        }
      }
      for (int p = rowStart[r]; p < rowStart[r + 1]; p++) {
        double x = values[p];
        int base = colIndex[p] * l;
        for (int c = 0; c < l; c++) {
          z[base + c] += x * y[c];
        }
      }
    }
    return z;
  }
}
