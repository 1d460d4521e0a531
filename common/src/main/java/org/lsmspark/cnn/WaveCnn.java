package org.lsmspark.cnn;

import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;

/**
 * The CNN that turns an H×Wd×C waveform into a predicted turn embedding: optional spatial
 * attention, "same" convolutions with ReLU and batch norm, 2×2 max pooling between them, a
 * global average or a flattening of the last map, dense layers and a linear output.
 *
 * <p>Plain Java in double precision, one window at a time: at these sizes (a few hundred
 * thousand multiply-adds per window) this beats per-op dispatch to a native library, and a
 * window's result never depends on what else is in its batch. Immutable and thread-safe.
 */
public final class WaveCnn {
  private static final double BN_EPSILON = 1e-3;

  private final int height;
  private final int width;
  private final int channels;
  private final boolean flatten;
  private final Conv attention;
  private final Conv[] convs;
  private final Dense[] dense;
  private final Dense output;

  private WaveCnn(ModelConfig config, Conv attention, Conv[] convs, Dense[] dense, Dense output) {
    this.height = config.waveHeight();
    this.width = config.waveWidth();
    this.channels = config.channels();
    this.flatten = config.cnn().pooling() == CnnConfig.Pooling.FLATTEN;
    this.attention = attention;
    this.convs = convs;
    this.dense = dense;
    this.output = output;
  }

  public static WaveCnn of(ModelBundle bundle) {
    ModelConfig config = bundle.config();
    CnnConfig cnn = config.cnn();
    int c = config.channels();
    Conv attention = cnn.useAttention()
        ? new Conv(7, c, 1, bundle.tensor(WeightFiles.ATTENTION_KERNEL), bundle.tensor(WeightFiles.ATTENTION_BIAS), null)
        : null;
    Conv[] convs = new Conv[cnn.convCount()];
    int in = c;
    for (int j = 0; j < convs.length; j++) {
      int out = cnn.convFilters().get(j);
      convs[j] = new Conv(cnn.convKernels().get(j), in, out, bundle.tensor(WeightFiles.convKernel(j)),
          bundle.tensor(WeightFiles.convBias(j)), BatchNorm.of(bundle, WeightFiles.convBn(j)));
      in = out;
    }
    // the first dense layer's input: one value per filter, or the whole last map when flattened
    // (the bundle has checked its kernel's shape against model.json)
    in = bundle.tensor(cnn.denseUnits().isEmpty() ? WeightFiles.OUTPUT_KERNEL : WeightFiles.denseKernel(0)).dim(0);
    Dense[] dense = new Dense[cnn.denseUnits().size()];
    for (int j = 0; j < dense.length; j++) {
      int out = cnn.denseUnits().get(j);
      dense[j] = new Dense(in, out, bundle.tensor(WeightFiles.denseKernel(j)), bundle.tensor(WeightFiles.denseBias(j)),
          BatchNorm.of(bundle, WeightFiles.denseBn(j)));
      in = out;
    }
    Dense output = new Dense(in, config.embeddingDim(), bundle.tensor(WeightFiles.OUTPUT_KERNEL),
        bundle.tensor(WeightFiles.OUTPUT_BIAS), null);
    return new WaveCnn(config, attention, convs, dense, output);
  }

  /** The predicted embedding for the waveform stored in {@code wave} from {@code offset}. */
  public float[] forward(double[] wave, int offset) {
    int h = height;
    int w = width;
    double[] x = new double[h * w * channels];
    System.arraycopy(wave, offset, x, 0, x.length);
    if (attention != null) {
      double[] a = attention.apply(x, h, w);
      for (int p = 0; p < h * w; p++) {
        double gate = 1.0 / (1.0 + Math.exp(-a[p]));
        for (int ch = 0; ch < channels; ch++) {
          x[p * channels + ch] *= gate;
        }
      }
    }
    int c = channels;
    for (int j = 0; j < convs.length; j++) {
      x = convs[j].apply(x, h, w);
      c = convs[j].out;
      if (j + 1 < convs.length) {
        x = maxPool(x, h, w, c);
        h /= 2;
        w /= 2;
      }
    }
    // flatten: the map is already laid out (h·W′ + w)·filters + c, as the format orders it
    double[] v = flatten ? x : globalAverage(x, h * w, c);
    for (Dense d : dense) {
      v = d.apply(v);
    }
    v = output.apply(v);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  private static double[] globalAverage(double[] x, int pixels, int c) {
    double[] v = new double[c];
    for (int p = 0; p < pixels; p++) {
      for (int ch = 0; ch < c; ch++) {
        v[ch] += x[p * c + ch];
      }
    }
    for (int ch = 0; ch < c; ch++) {
      v[ch] /= pixels;
    }
    return v;
  }

  private static double[] maxPool(double[] x, int h, int w, int c) {
    int oh = h / 2;
    int ow = w / 2;
    double[] out = new double[oh * ow * c];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        int o = (i * ow + j) * c;
        int a = ((2 * i) * w + 2 * j) * c;
        int b = ((2 * i + 1) * w + 2 * j) * c;
        for (int ch = 0; ch < c; ch++) {
          out[o + ch] = Math.max(Math.max(x[a + ch], x[a + c + ch]), Math.max(x[b + ch], x[b + c + ch]));
        }
      }
    }
    return out;
  }

  private static double[] toDouble(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.get(i);
    }
    return d;
  }

  /** BN(x) = gamma·(x − mean)/sqrt(variance + ε) + beta, folded into scale and shift. */
  private record BatchNorm(double[] scale, double[] shift) {
    static BatchNorm of(ModelBundle bundle, String prefix) {
      double[] gamma = toDouble(bundle.tensor(WeightFiles.bn(prefix, "gamma")));
      double[] beta = toDouble(bundle.tensor(WeightFiles.bn(prefix, "beta")));
      double[] mean = toDouble(bundle.tensor(WeightFiles.bn(prefix, "mean")));
      double[] variance = toDouble(bundle.tensor(WeightFiles.bn(prefix, "variance")));
      double[] scale = new double[gamma.length];
      double[] shift = new double[gamma.length];
      for (int i = 0; i < gamma.length; i++) {
        scale[i] = gamma[i] / Math.sqrt(variance[i] + BN_EPSILON);
        shift[i] = beta[i] - mean[i] * scale[i];
      }
      return new BatchNorm(scale, shift);
    }

    /** x ← BN(relu(x)) over a tensor whose last axis has this norm's width. */
    void reluInPlace(double[] x) {
      int c = scale.length;
      for (int p = 0; p < x.length; p += c) {
        for (int ch = 0; ch < c; ch++) {
          x[p + ch] = Math.max(0.0, x[p + ch]) * scale[ch] + shift[ch];
        }
      }
    }
  }

  /** A "same" k×k cross-correlation, kernel [k, k, in, out], then BN(relu(·)) when a norm is given. */
  private static final class Conv {
    final int k;
    final int in;
    final int out;
    final double[] kernel;
    final double[] bias;
    final BatchNorm norm;

    Conv(int k, int in, int out, Tensor kernel, Tensor bias, BatchNorm norm) {
      this.k = k;
      this.in = in;
      this.out = out;
      this.kernel = toDouble(kernel);
      this.bias = toDouble(bias);
      this.norm = norm;
    }

    double[] apply(double[] x, int h, int w) {
      int pad = k / 2;
      double[] y = new double[h * w * out];
      for (int oh = 0; oh < h; oh++) {
        for (int ow = 0; ow < w; ow++) {
          int base = (oh * w + ow) * out;
          System.arraycopy(bias, 0, y, base, out);
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
              int xOff = (ih * w + iw) * in;
              int kOff = (dh * k + dw) * in * out;
              int ci = 0;
              // four input channels per pass over the outputs: one load and store of y per four
              // products, added in the same order as one channel at a time; a zero input adds only
              // a signed zero, which the ReLU or the sigmoid that follows erases
              for (; ci + 4 <= in; ci += 4) {
                double x0 = x[xOff + ci];
                double x1 = x[xOff + ci + 1];
                double x2 = x[xOff + ci + 2];
                double x3 = x[xOff + ci + 3];
                if (x0 == 0.0 && x1 == 0.0 && x2 == 0.0 && x3 == 0.0) {
                  continue;
                }
                int r0 = kOff + ci * out;
                int r1 = r0 + out;
                int r2 = r1 + out;
                int r3 = r2 + out;
                for (int co = 0; co < out; co++) {
                  y[base + co] = y[base + co] + x0 * kernel[r0 + co] + x1 * kernel[r1 + co]
                      + x2 * kernel[r2 + co] + x3 * kernel[r3 + co];
                }
              }
              for (; ci < in; ci++) {
                double xv = x[xOff + ci];
                if (xv == 0.0) {
                  continue;
                }
                int row = kOff + ci * out;
                for (int co = 0; co < out; co++) {
                  y[base + co] += xv * kernel[row + co];
                }
              }
            }
          }
        }
      }
      if (norm != null) {
        norm.reluInPlace(y);
      }
      return y;
    }
  }

  /** x · kernel + bias, kernel [in, out], then BN(relu(·)) when a norm is given. */
  private static final class Dense {
    final int in;
    final int out;
    final double[] kernel;
    final double[] bias;
    final BatchNorm norm;

    Dense(int in, int out, Tensor kernel, Tensor bias, BatchNorm norm) {
      this.in = in;
      this.out = out;
      this.kernel = toDouble(kernel);
      this.bias = toDouble(bias);
      this.norm = norm;
    }

    double[] apply(double[] x) {
      double[] y = bias.clone();
      int i = 0;
      // four inputs per pass, added in the same order as one at a time
      for (; i + 4 <= in; i += 4) {
        double x0 = x[i];
        double x1 = x[i + 1];
        double x2 = x[i + 2];
        double x3 = x[i + 3];
        int r0 = i * out;
        int r1 = r0 + out;
        int r2 = r1 + out;
        int r3 = r2 + out;
        for (int o = 0; o < out; o++) {
          y[o] = y[o] + x0 * kernel[r0 + o] + x1 * kernel[r1 + o] + x2 * kernel[r2 + o] + x3 * kernel[r3 + o];
        }
      }
      for (; i < in; i++) {
        double xi = x[i];
        int row = i * out;
        for (int o = 0; o < out; o++) {
          y[o] += xi * kernel[row + o];
        }
      }
      if (norm != null) {
        norm.reluInPlace(y);
      }
      return y;
    }
  }
}
