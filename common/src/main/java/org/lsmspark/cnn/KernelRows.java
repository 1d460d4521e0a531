package org.lsmspark.cnn;

import java.lang.invoke.MethodHandles;
import org.lsmspark.simd.VectorApi;

/**
 * The inner loops {@link FloatConv} and {@link FloatDense} share: rows of a kernel scaled and
 * added into output vectors, each element summed left to right (the order the layers' results
 * depend on). Two implementations give the same floats: {@link ScalarKernelRows} (float loops the
 * JIT vectorizes) and {@link VectorKernelRows} (the JDK's incubating Vector API, when the JVM runs
 * it: {@link VectorApi}).
 *
 * <p>Every array here is indexed from 0: the kernels are kept as one array per row ({@link
 * org.lsmspark.model.Tensor#rows}) and the outputs as one array per vector. The JIT of Java 17
 * vectorizes the scalar loops only then; with an offset into a shared array for each operand (the
 * previous layout) it ran them scalar, at a sixth of the speed for 256 outputs and a third for 64
 * (same results, bit for bit).
 */
abstract class KernelRows {
  /** The Vector API rows when this JVM runs them (256-bit vectors or wider), else the scalar ones. */
  static KernelRows best() {
    return VectorApi.bits() >= 256 ? vector() : new ScalarKernelRows(VectorApi.scalarReason(256));
  }

  /** The Vector API rows; only callable when {@link VectorApi#bits} is not 0. */
  static KernelRows vector() {
    return VectorApi.construct(MethodHandles.lookup(), KernelRows.class, "org.lsmspark.cnn.VectorKernelRows",
        new Class<?>[0]);
  }

  /** Rows of {@code width} values, back to back in one array (the layers' hand-over layout). */
  static float[] join(float[][] rows, int width) {
    float[] out = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * width, width);
    }
    return out;
  }

  /** y[o] = y[o] + x0·k0[o] + x1·k1[o] + x2·k2[o] + x3·k3[o]. */
  abstract void add4(float[] y, float[] k0, float[] k1, float[] k2, float[] k3, float x0, float x1, float x2,
      float x3);

  /** y[o] = y[o] + x0·k0[o] + x1·k1[o] + x2·k2[o]. */
  abstract void add3(float[] y, float[] k0, float[] k1, float[] k2, float x0, float x1, float x2);

  /** y[o] = y[o] + x0·k0[o] + x1·k1[o]. */
  abstract void add2(float[] y, float[] k0, float[] k1, float x0, float x1);

  /** y[o] += x·k[o]. */
  abstract void add1(float[] y, float[] k, float x);

  /** For the model's log line. */
  abstract String describe();
}
