package org.lsmspark.tokenizer;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The top right singular vectors of a sparse matrix, each with the sign that makes its
 * largest-magnitude entry positive (the first such entry on ties).
 */
final class TruncatedSvd {
  /** Dense exact SVD below this many floating-point operations (about V·F·min(V, F)). */
  static final double EXACT_MAX_FLOPS = 2e9;
  /**
   * On a slowly decaying TF-IDF-like spectrum (170k x 10k, k = 128) 7 iterations left the last
   * vectors 1e-3 away from converged, 14 leave them within 3e-6; each costs about a second there.
   */
  static final int POWER_ITERATIONS = 14;
  static final long SEED = 0x5EED_1234L;

  /** {@code vectors[i]} is the i-th right singular vector (zero beyond the rank), {@code values[i]} its singular value. */
  record Result(double[][] vectors, double[] values) {}

  private TruncatedSvd() {}

  static Result top(CsrMatrix x, int k) {
    int l = sampleSize(x, k);
    double minDim = Math.min(x.rows, x.cols);
    if ((double) x.rows * x.cols * minDim <= EXACT_MAX_FLOPS || minDim <= l) {
      return exact(x, k);
    }
    return randomized(x, k, l, POWER_ITERATIONS, SEED);
  }

  /** Oversampling by k itself: the convergence of subspace iteration depends on σ(l+1)/σ(k). */
  static int sampleSize(CsrMatrix x, int k) {
    return Math.min(x.cols, 2 * k + 16);
  }

  /** numpy's exact SVD: dense, Golub–Kahan (commons-math3), no Gram matrix. */
  static Result exact(CsrMatrix x, int k) {
    SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(x.toDense(), false));
    double[] s = svd.getSingularValues();
    RealMatrix v = svd.getV();
    double[][] vectors = new double[k][x.cols];
    double[] values = new double[k];
    for (int i = 0; i < Math.min(k, s.length); i++) {
      vectors[i] = v.getColumn(i);
      values[i] = s[i];
    }
    return withSigns(vectors, values);
  }

  /**
   * Randomized subspace iteration on XᵀX (Halko, Martinsson & Tropp 2011, alg. 4.4), kept in the
   * F-dimensional term space so that no dense [V, l] matrix is ever formed, then Rayleigh–Ritz on
   * the l-dimensional subspace. Seeded and with a fixed summation order, hence deterministic.
   */
  static Result randomized(CsrMatrix x, int k, int l, int iterations, long seed) {
    int f = x.cols;
    Random random = new Random(seed);
    double[][] q = new double[l][f];
    for (double[] column : q) {
      for (int i = 0; i < f; i++) {
        column[i] = random.nextGaussian();
      }
    }
    orthonormalize(q, random);
    for (int it = 0; it < iterations; it++) {
      q = gramTimes(x, q);
      orthonormalize(q, random);
    }
    double[][] basis = q;
    double[][] z = gramTimes(x, basis);
    double[][] h = new double[l][l];
    IntStream.range(0, l).parallel().forEach(a -> {
      for (int b = 0; b < l; b++) {
        h[a][b] = dot(basis[a], z[b]);
      }
    });
    for (int a = 0; a < l; a++) {
      for (int b = 0; b < a; b++) {
        double m = 0.5 * (h[a][b] + h[b][a]);
        h[a][b] = m;
        h[b][a] = m;
      }
    }
    EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(h, false));
    double[] lambda = eig.getRealEigenvalues();
    Integer[] order = new Integer[l];
    for (int i = 0; i < l; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(lambda[b], lambda[a]));
    double[][] vectors = new double[k][f];
    double[] values = new double[k];
    for (int i = 0; i < k; i++) {
      double[] w = eig.getEigenvector(order[i]).toArray();
      double[] v = vectors[i];
      for (int a = 0; a < l; a++) {
        double wa = w[a];
        double[] qa = basis[a];
        for (int j = 0; j < f; j++) {
          v[j] += wa * qa[j];
        }
      }
      values[i] = Math.sqrt(Math.max(0, lambda[order[i]]));
    }
    return withSigns(vectors, values);
  }

  /** XᵀX q for q given and returned as columns. */
  private static double[][] gramTimes(CsrMatrix x, double[][] q) {
    int l = q.length;
    int f = x.cols;
    double[] rowMajor = new double[f * l];
    for (int c = 0; c < l; c++) {
      for (int j = 0; j < f; j++) {
        rowMajor[j * l + c] = q[c][j];
      }
    }
    double[] z = x.gramTimes(rowMajor, l);
    double[][] columns = new double[l][f];
    for (int j = 0; j < f; j++) {
      for (int c = 0; c < l; c++) {
        columns[c][j] = z[j * l + c];
      }
    }
    return columns;
  }

  /**
   * Classical Gram–Schmidt applied twice ("twice is enough"), in place; a column that vanishes
   * (the subspace is rank deficient) is replaced by a fresh random direction.
   */
  static void orthonormalize(double[][] q, Random random) {
    for (int j = 0; j < q.length; j++) {
      double[] v = q[j];
      double before = Math.sqrt(dot(v, v));
      for (int attempt = 0; ; attempt++) {
        project(q, j, v);
        project(q, j, v);
        double after = Math.sqrt(dot(v, v));
        if (after > 1e-10 * before && after > 0) {
          for (int i = 0; i < v.length; i++) {
            v[i] /= after;
          }
          break;
        }
        if (attempt == 3) {
          throw new IllegalStateException("cannot extend an orthonormal basis of " + j + " vectors");
        }
        for (int i = 0; i < v.length; i++) {
          v[i] = random.nextGaussian();
        }
        before = Math.sqrt(dot(v, v));
      }
    }
  }

  private static void project(double[][] q, int j, double[] v) {
    double[] r = new double[j];
    IntStream.range(0, j).parallel().forEach(i -> r[i] = dot(q[i], v));
    int n = v.length;
    int chunks = Math.max(1, Math.min(16, n / 1024));
    IntStream.range(0, chunks).parallel().forEach(c -> {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      for (int i = 0; i < j; i++) {
        double ri = r[i];
        double[] qi = q[i];
        for (int t = from; t < to; t++) {
          v[t] -= ri * qi[t];
        }
      }
    });
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** The sign rule of the model format: each vector's largest-|value| entry (first on ties) positive. */
  private static Result withSigns(double[][] vectors, double[] values) {
    for (double[] v : vectors) {
      int arg = 0;
      for (int i = 1; i < v.length; i++) {
        if (Math.abs(v[i]) > Math.abs(v[arg])) {
          arg = i;
        }
      }
      if (v.length > 0 && v[arg] < 0) {
        for (int i = 0; i < v.length; i++) {
          v[i] = -v[i];
        }
      }
    }
    return new Result(vectors, values);
  }
}
