package org.lsmspark.cnn;

/**
 * The inner loops {@link FloatConv} and {@link FloatDense} share: rows of a kernel laid out
 * [inputs][out] scaled and added into one output vector, each element summed left to right (the
 * order the layers' results depend on).
 */
final class KernelRows {
  private KernelRows() {}

  /** y[base + o] = y[base + o] + x0·k[r0 + o] + x1·k[r0 + out + o] + x2·k[r0 + 2out + o] + x3·k[r0 + 3out + o]. */
  static void add4(float[] y, int base, float[] k, int r0, int out, float x0, float x1, float x2, float x3) {
    int r1 = r0 + out;
    int r2 = r1 + out;
    int r3 = r2 + out;
    for (int o = 0; o < out; o++) {
      y[base + o] = y[base + o] + x0 * k[r0 + o] + x1 * k[r1 + o] + x2 * k[r2 + o] + x3 * k[r3 + o];
    }
  }

  /** y[base + o] += x·k[row + o]. */
  static void add1(float[] y, int base, float[] k, int row, int out, float x) {
    for (int o = 0; o < out; o++) {
      y[base + o] += x * k[row + o];
    }
  }
}
