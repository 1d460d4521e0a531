package org.lsmspark.cnn;

import org.lsmspark.model.Tensor;

/**
 * A "same" k×k cross-correlation over a batch of maps, kernel [k, k, in, out], single precision,
 * then BN(relu(·)) when a norm is given.
 *
 * <p>Loops run kernel tap and group of four input channels outermost, windows and pixels inside:
 * each slice of the kernel is loaded once per batch rather than once per pixel, and the innermost
 * loop (over output channels) is one of the {@link KernelRows}' vector loops. Every output value still
 * adds its terms in one fixed order (tap by tap, four channels at a time), so a window's result
 * does not depend on the other windows of its batch.
 */
final class FloatConv {
  final int k;
  final int in;
  final int out;
  /** The kernel's rows [k·k·in][out], one array each ({@link KernelRows}). */
  private final float[][] kernel;
  private final float[] bias;
  private final FloatNorm norm;
  /** With one output, the kernel as one array [k·k·in] ({@link #applyOne}); else null. */
  private final float[] single;
  private final KernelRows rows;

  FloatConv(int k, int in, int out, float[] kernel, float[] bias, FloatNorm norm, KernelRows rows) {
    if (kernel.length != k * k * in * out || bias.length != out) {
      throw new IllegalArgumentException("conv kernel has " + kernel.length + " values and bias " + bias.length
          + ", expected " + (k * k * in * out) + " and " + out + " for k " + k + ", " + in + " → " + out);
    }
    this.k = k;
    this.in = in;
    this.out = out;
    this.kernel = Tensor.rows(kernel, out);
    this.bias = bias;
    this.norm = norm;
    this.single = out == 1 ? kernel.clone() : null;
    this.rows = rows;
  }

  /** The outputs of {@code n} maps of h×w×in stored back to back in {@code x}: n maps of h×w×out. */
  float[] apply(float[] x, int n, int h, int w) {
    if (out == 1) {
      return applyOne(x, n, h, w);
    }
    int pixels = h * w;
    float[][] y = new float[n * pixels][];
    for (int p = 0; p < y.length; p++) {
      y[p] = bias.clone();
    }
    int pad = k / 2;
    for (int dh = 0; dh < k; dh++) {
      // output rows whose input row oh + dh − pad lies inside the map
      int ohFrom = Math.max(0, pad - dh);
      int ohTo = Math.min(h, h + pad - dh);
      for (int dw = 0; dw < k; dw++) {
        int owFrom = Math.max(0, pad - dw);
        int owTo = Math.min(w, w + pad - dw);
        int shift = ((dh - pad) * w + (dw - pad)) * in;
        int kRow = (dh * k + dw) * in;
        int grouped = in - in % 4;
        for (int b = 0; b < n; b++) {
          int xMap = b * pixels * in;
          int yMap = b * pixels;
          for (int oh = ohFrom; oh < ohTo; oh++) {
            for (int ow = owFrom; ow < owTo; ow++) {
              int px = oh * w + ow;
              int xo = xMap + px * in + shift;
              float[] yp = y[yMap + px];
              // per output value the same order as ever: input channels in fours, then the rest
              for (int ci = 0; ci < grouped; ci += 4) {
                accumulate4(yp, x[xo + ci], x[xo + ci + 1], x[xo + ci + 2], x[xo + ci + 3], kRow + ci);
              }
              if (grouped < in) {
                accumulateRest(yp, x, xo + grouped, kRow + grouped, in - grouped);
              }
            }
          }
        }
      }
    }
    return normed(KernelRows.join(y, out));
  }

  private float[] normed(float[] y) {
    if (norm != null) {
      norm.reluInPlace(y, 0, y.length);
    }
    return y;
  }

  /**
   * {@link #apply} for a single output (the attention gate's conv), pixel by pixel with the sum in
   * a local, taps and inputs in the same order and with the same zeros skipped: the general loops
   * ran their loop over outputs, one long, once per tap and input group, which cost v1's attention
   * (k = 7, 3 inputs) about 7 % of a batch-256 window's CPU.
   */
  private float[] applyOne(float[] x, int n, int h, int w) {
    float[] y = new float[n * h * w];
    int pad = k / 2;
    int grouped = in - in % 4;
    float b0 = bias[0];
    for (int b = 0; b < n; b++) {
      for (int oh = 0; oh < h; oh++) {
        for (int ow = 0; ow < w; ow++) {
          float s = b0;
          for (int dh = 0; dh < k; dh++) {
            int ih = oh + dh - pad;
            if (ih < 0 || ih >= h) {
              continue;
            }
            for (int dw = 0; dw < k; dw++) {
              int iw = ow + dw - pad;
              if (iw < 0 || iw >= w) {
                continue;
              }
              int xo = ((b * h + ih) * w + iw) * in;
              int r = (dh * k + dw) * in;
              for (int c = 0; c < grouped; c += 4) {
                float x0 = x[xo + c];
                float x1 = x[xo + c + 1];
                float x2 = x[xo + c + 2];
                float x3 = x[xo + c + 3];
                if (x0 != 0f || x1 != 0f || x2 != 0f || x3 != 0f) {
                  s = s + x0 * single[r + c] + x1 * single[r + c + 1] + x2 * single[r + c + 2] + x3 * single[r + c + 3];
                }
              }
              for (int c = grouped; c < in; c++) {
                if (x[xo + c] != 0f) {
                  s += x[xo + c] * single[r + c];
                }
              }
            }
          }
          y[(b * h + oh) * w + ow] = s;
        }
      }
    }
    return normed(y);
  }

  /**
   * The last {@code rest} (1 to 3) inputs, the nonzero ones, in one pass over y: y + xa·Ka + xb·Kb,
   * left to right, is the float sum of adding them one at a time (Java rounds every step). On the
   * full-size v1 model the first layer (3 inputs, 32 outputs) was three calls a tap and pixel.
   */
  private void accumulateRest(float[] y, float[] x, int xo, int r0, int rest) {
    float xa = 0f;
    float xb = 0f;
    float xc = 0f;
    int a = -1;
    int b = -1;
    int c = -1;
    for (int i = 0; i < rest; i++) {
      if (x[xo + i] == 0f) {
        continue;
      }
      if (a < 0) {
        a = r0 + i;
        xa = x[xo + i];
      } else if (b < 0) {
        b = r0 + i;
        xb = x[xo + i];
      } else {
        c = r0 + i;
        xc = x[xo + i];
      }
    }
    if (c >= 0) {
      rows.add3(y, kernel[a], kernel[b], kernel[c], xa, xb, xc);
    } else if (b >= 0) {
      rows.add2(y, kernel[a], kernel[b], xa, xb);
    } else if (a >= 0) {
      rows.add1(y, kernel[a], xa);
    }
  }

  /**
   * y[base..] += x0·K[r0] + x1·K[r0+out] + x2·K[r0+2out] + x3·K[r0+3out]; four zero inputs are
   * skipped (padding turns and dead units), which changes at most the sign of a zero that the
   * ReLU or sigmoid after erases.
   */
  private void accumulate4(float[] y, float x0, float x1, float x2, float x3, int r0) {
    if (x0 != 0f || x1 != 0f || x2 != 0f || x3 != 0f) {
      rows.add4(y, kernel[r0], kernel[r0 + 1], kernel[r0 + 2], kernel[r0 + 3], x0, x1, x2, x3);
    }
  }

}
