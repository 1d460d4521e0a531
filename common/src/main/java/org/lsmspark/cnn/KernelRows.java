package org.lsmspark.cnn;

/**
 * The inner loops {@link FloatConv} and {@link FloatDense} share: rows of a kernel scaled and
 * added into one output vector, each element summed left to right (the order the layers' results
 * depend on).
 *
 * <p>Every array here is indexed from 0: the kernels are kept as one array per row ({@link
 * org.lsmspark.model.Tensor#rows}) and the outputs as one array per vector. The JIT of Java 17
 * vectorizes these loops only then; with an offset into a shared array for each operand (the
 * previous layout) it ran them scalar, at a sixth of the speed for 256 outputs and a third for 64
 * (same results, bit for bit).
 */
final class KernelRows {
  private KernelRows() {}

  /** Rows of {@code width} values, back to back in one array (the layers' hand-over layout). */
  static float[] join(float[][] rows, int width) {
    float[] out = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * width, width);
    }
    return out;
  }

  /** y[o] = y[o] + x0·k0[o] + x1·k1[o] + x2·k2[o] + x3·k3[o]. */
  static void add4(float[] y, float[] k0, float[] k1, float[] k2, float[] k3, float x0, float x1, float x2,
      float x3) {
    for (int o = 0; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o] + x2 * k2[o] + x3 * k3[o];
    }
  }

  /** y[o] = y[o] + x0·k0[o] + x1·k1[o] + x2·k2[o]. */
  static void add3(float[] y, float[] k0, float[] k1, float[] k2, float x0, float x1, float x2) {
    for (int o = 0; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o] + x2 * k2[o];
    }
  }

  /** y[o] = y[o] + x0·k0[o] + x1·k1[o]. */
  static void add2(float[] y, float[] k0, float[] k1, float x0, float x1) {
    for (int o = 0; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o];
    }
  }

  /** y[o] += x·k[o]. */
  static void add1(float[] y, float[] k, float x) {
    for (int o = 0; o < y.length; o++) {
      y[o] += x * k[o];
    }
  }
}
