package org.lsmspark.cnn;

import org.lsmspark.model.Tensor;

/**
 * x · kernel + bias over a batch of vectors, kernel [in, out], single precision, then
 * BN(relu(·)) when a norm is given.
 *
 * <p>A blocked loop rather than a library GEMM: the kernel is walked in blocks of {@link #BLOCK}
 * rows, each block applied to every vector of the batch while it is in the L1 cache (the v2
 * default's first dense kernel is 5 MB and would otherwise stream from memory once per window).
 * Every output value adds its terms four inputs at a time in ascending order, whatever the block
 * and batch size, so a vector's result does not depend on its batch.
 */
final class FloatDense {
  /** Kernel rows per block: 32 rows of 256 floats fill a third of a 96 KB L1 with room for x and y. */
  static final int BLOCK = 32;

  final int in;
  final int out;
  /** The kernel's rows, one array each ({@link KernelRows}). */
  private final float[][] kernel;
  private final float[] bias;
  private final FloatNorm norm;
  private final KernelRows rows;

  FloatDense(int in, int out, float[] kernel, float[] bias, FloatNorm norm, KernelRows rows) {
    if (kernel.length != in * out || bias.length != out) {
      throw new IllegalArgumentException("dense kernel has " + kernel.length + " values and bias " + bias.length
          + ", expected " + (in * out) + " and " + out + " for " + in + " → " + out);
    }
    this.in = in;
    this.out = out;
    this.kernel = Tensor.rows(kernel, out);
    this.bias = bias;
    this.norm = norm;
    this.rows = rows;
  }

  /** The outputs of {@code n} vectors of {@code in} values stored back to back in {@code x}. */
  float[] apply(float[] x, int n) {
    float[][] y = new float[n][];
    for (int b = 0; b < n; b++) {
      y[b] = bias.clone();
    }
    int grouped = in - in % 4;
    for (int from = 0; from < grouped; from += BLOCK) {
      int to = Math.min(grouped, from + BLOCK);
      for (int b = 0; b < n; b++) {
        int xo = b * in;
        for (int i = from; i < to; i += 4) {
          rows.add4(y[b], kernel[i], kernel[i + 1], kernel[i + 2], kernel[i + 3], x[xo + i], x[xo + i + 1],
              x[xo + i + 2], x[xo + i + 3]);
        }
      }
    }
    for (int i = grouped; i < in; i++) {
      for (int b = 0; b < n; b++) {
        rows.add1(y[b], kernel[i], x[b * in + i]);
      }
    }
    float[] joined = KernelRows.join(y, out);
    if (norm != null) {
      norm.reluInPlace(joined, 0, joined.length);
    }
    return joined;
  }
}
