package org.lsmspark.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link FloatConv} against the order its sums are defined in, bit for bit: per output value the
 * taps in order, each tap's inputs in fours (skipped when all four are zero), then the remaining
 * inputs one at a time (zeros skipped). Catches a kernel that reorders or regroups the additions,
 * which results within a tolerance would not; the one-output path (the attention gate's) too.
 */
class FloatConvTest {

  /** Every implementation of the inner loops, on output counts of whole vectors and with tails; −0 inputs among the zeros. */
  @Test
  void everyInputCountSumsInTheDefinedOrder() {
    Random rng = new Random(3);
    for (KernelRows rows : KernelRowsTest.all()) {
      for (int in = 1; in <= 9; in++) {
        for (int k : new int[] {1, 3, 5, 7}) {
          for (int out : new int[] {k == 7 ? 1 : 1 + rng.nextInt(40), 32, 67}) { // 1: the attention gate's own loop
            int h = 2 + rng.nextInt(6);
            int w = 2 + rng.nextInt(9);
            int n = 1 + rng.nextInt(3);
            float[] kernel = gaussian(rng, k * k * in * out, 0);
            float[] bias = gaussian(rng, out, 0);
            float[] x = gaussian(rng, n * h * w * in, 0.3);
            float[] got = new FloatConv(k, in, out, kernel, bias, null, rows).apply(x, n, h, w);
            assertArrayEquals(reference(k, in, out, kernel, bias, x, n, h, w), got,
                rows.describe() + ", in " + in + ", k " + k + ", out " + out);
          }
        }
      }
    }
  }

  private static float[] reference(int k, int in, int out, float[] kernel, float[] bias, float[] x, int n, int h,
      int w) {
    float[] y = new float[n * h * w * out];
    int pad = k / 2;
    int grouped = in - in % 4;
    for (int b = 0; b < n; b++) {
      for (int oh = 0; oh < h; oh++) {
        for (int ow = 0; ow < w; ow++) {
          int yo = ((b * h + oh) * w + ow) * out;
          System.arraycopy(bias, 0, y, yo, out);
          for (int dh = 0; dh < k; dh++) {
            for (int dw = 0; dw < k; dw++) {
              int ih = oh + dh - pad;
              int iw = ow + dw - pad;
              if (ih < 0 || ih >= h || iw < 0 || iw >= w) {
                continue;
              }
              int xo = ((b * h + ih) * w + iw) * in;
              int r = (dh * k + dw) * in;
              for (int c = 0; c < grouped; c += 4) {
                float x0 = x[xo + c];
                float x1 = x[xo + c + 1];
                float x2 = x[xo + c + 2];
                float x3 = x[xo + c + 3];
                if (x0 == 0f && x1 == 0f && x2 == 0f && x3 == 0f) {
                  continue;
                }
                for (int o = 0; o < out; o++) {
                  y[yo + o] = y[yo + o] + x0 * kernel[(r + c) * out + o] + x1 * kernel[(r + c + 1) * out + o]
                      + x2 * kernel[(r + c + 2) * out + o] + x3 * kernel[(r + c + 3) * out + o];
                }
              }
              for (int c = grouped; c < in; c++) {
                if (x[xo + c] != 0f) {
                  for (int o = 0; o < out; o++) {
                    y[yo + o] += x[xo + c] * kernel[(r + c) * out + o];
                  }
                }
              }
            }
          }
        }
      }
    }
    return y;
  }

  /** Gaussian values, a fraction {@code zeros} of them exactly zero (padding turns, dead units). */
  private static float[] gaussian(Random rng, int size, double zeros) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      double u = rng.nextDouble();
      v[i] = u < zeros / 2 ? 0f : u < zeros ? -0f : (float) rng.nextGaussian();
    }
    return v;
  }
}
