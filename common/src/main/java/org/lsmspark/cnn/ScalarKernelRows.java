package org.lsmspark.cnn;

/** {@link KernelRows} as plain float loops, which the JIT vectorizes when it can. */
final class ScalarKernelRows extends KernelRows {
  private final String why;

  /** @param why why the Vector API rows do not run here, for the log line */
  ScalarKernelRows(String why) {
    this.why = why;
  }

  @Override
  void add4(float[] y, float[] k0, float[] k1, float[] k2, float[] k3, float x0, float x1, float x2, float x3) {
    for (int o = 0; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o] + x2 * k2[o] + x3 * k3[o];
    }
  }

  @Override
  void add3(float[] y, float[] k0, float[] k1, float[] k2, float x0, float x1, float x2) {
    for (int o = 0; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o] + x2 * k2[o];
    }
  }

  @Override
  void add2(float[] y, float[] k0, float[] k1, float x0, float x1) {
    for (int o = 0; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o];
    }
  }

  @Override
  void add1(float[] y, float[] k, float x) {
    for (int o = 0; o < y.length; o++) {
      y[o] += x * k[o];
    }
  }

  @Override
  String describe() {
    return "scalar kernel rows (" + why + " for the Vector API ones)";
  }
}
