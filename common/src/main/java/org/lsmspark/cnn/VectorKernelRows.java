package org.lsmspark.cnn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelRows} on the JDK's incubating Vector API, in the preferred width: each element
 * adds the same products in the same order as {@link ScalarKernelRows} (a multiply, then an add,
 * never fused), so the floats are the same; the JIT's own vectorization of those loops ran at
 * about half the speed (a micro-benchmark: 12.6 against 5.8 ns for 32 outputs, 74 against 37 for
 * 256). Loaded only through {@link KernelRows#vector}, when the module is resolved.
 */
final class VectorKernelRows extends KernelRows {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  VectorKernelRows() {}

  @Override
  void add4(float[] y, float[] k0, float[] k1, float[] k2, float[] k3, float x0, float x1, float x2, float x3) {
    int o = 0;
    for (int up = S.loopBound(y.length); o < up; o += L) {
      FloatVector.fromArray(S, y, o).add(FloatVector.fromArray(S, k0, o).mul(x0))
          .add(FloatVector.fromArray(S, k1, o).mul(x1)).add(FloatVector.fromArray(S, k2, o).mul(x2))
          .add(FloatVector.fromArray(S, k3, o).mul(x3)).intoArray(y, o);
    }
    for (; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o] + x2 * k2[o] + x3 * k3[o];
    }
  }

  @Override
  void add3(float[] y, float[] k0, float[] k1, float[] k2, float x0, float x1, float x2) {
    int o = 0;
    for (int up = S.loopBound(y.length); o < up; o += L) {
      FloatVector.fromArray(S, y, o).add(FloatVector.fromArray(S, k0, o).mul(x0))
          .add(FloatVector.fromArray(S, k1, o).mul(x1)).add(FloatVector.fromArray(S, k2, o).mul(x2)).intoArray(y, o);
    }
    for (; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o] + x2 * k2[o];
    }
  }

  @Override
  void add2(float[] y, float[] k0, float[] k1, float x0, float x1) {
    int o = 0;
    for (int up = S.loopBound(y.length); o < up; o += L) {
      FloatVector.fromArray(S, y, o).add(FloatVector.fromArray(S, k0, o).mul(x0))
          .add(FloatVector.fromArray(S, k1, o).mul(x1)).intoArray(y, o);
    }
    for (; o < y.length; o++) {
      y[o] = y[o] + x0 * k0[o] + x1 * k1[o];
    }
  }

  @Override
  void add1(float[] y, float[] k, float x) {
    int o = 0;
    for (int up = S.loopBound(y.length); o < up; o += L) {
      FloatVector.fromArray(S, y, o).add(FloatVector.fromArray(S, k, o).mul(x)).intoArray(y, o);
    }
    for (; o < y.length; o++) {
      y[o] += x * k[o];
    }
  }

  @Override
  String describe() {
    return "Vector API kernel rows (" + S.vectorBitSize() + "-bit)";
  }
}
