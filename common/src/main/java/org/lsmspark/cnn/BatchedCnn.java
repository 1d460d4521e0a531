package org.lsmspark.cnn;

import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.WeightFiles;

/**
 * The model's CNN for scoring: the same layers as {@link WaveCnn} (the double-precision
 * reference), in single precision and over batches of windows. Kernels are applied a slice at a
 * time to every window of a tile of {@link #TILE} windows, so each slice is read from memory once
 * per tile instead of once per window; the inner loops are float loops the JIT vectorizes.
 *
 * <p>A window's output depends only on its waveform: every value is summed in one fixed order
 * whatever the batch size, the window's position in it and the thread that runs it, so a window
 * alone and in any batch gives bit-identical floats. Immutable and thread-safe.
 */
public final class BatchedCnn {
  /** Windows per pass through the layers: keeps a tile's activations in the L2 cache. */
  static final int TILE = 16;

  private final int height;
  private final int width;
  private final int channels;
  private final int outputSize;
  private final boolean flatten;
  private final FloatConv attention;
  private final FloatConv[] convs;
  private final FloatDense[] dense;
  private final KernelRows rows;

  private BatchedCnn(ModelConfig config, FloatConv attention, FloatConv[] convs, FloatDense[] dense, KernelRows rows) {
    this.height = config.waveHeight();
    this.width = config.waveWidth();
    this.channels = config.channels();
    this.outputSize = config.embeddingDim();
    this.flatten = config.cnn().pooling() == CnnConfig.Pooling.FLATTEN;
    this.attention = attention;
    this.convs = convs;
    this.dense = dense;
    this.rows = rows;
  }

  /** Which inner loops run, for the model's log line. */
  public String describe() {
    return rows.describe();
  }

  /** The CNN of a bundle whose tensors it has checked against model.json. */
  public static BatchedCnn of(ModelBundle bundle) {
    return of(bundle, KernelRows.best());
  }

  /** {@link #of} on the given inner loops (tests compare them). */
  static BatchedCnn of(ModelBundle bundle, KernelRows rows) {
    ModelConfig config = bundle.config();
    CnnConfig cnn = config.cnn();
    int c = config.channels();
    FloatConv attention = cnn.useAttention()
        ? new FloatConv(7, c, 1, bundle.tensor(WeightFiles.ATTENTION_KERNEL).toArray(),
            bundle.tensor(WeightFiles.ATTENTION_BIAS).toArray(), null, rows)
        : null;
    FloatConv[] convs = new FloatConv[cnn.convCount()];
    int in = c;
    for (int j = 0; j < convs.length; j++) {
      int out = cnn.convFilters().get(j);
      convs[j] = new FloatConv(cnn.convKernels().get(j), in, out, bundle.tensor(WeightFiles.convKernel(j)).toArray(),
          bundle.tensor(WeightFiles.convBias(j)).toArray(), FloatNorm.of(bundle, WeightFiles.convBn(j)), rows);
      in = out;
    }
    // the first dense layer's input: one value per filter, or the whole last map when flattened
    in = bundle.tensor(cnn.denseUnits().isEmpty() ? WeightFiles.OUTPUT_KERNEL : WeightFiles.denseKernel(0)).dim(0);
    int layers = cnn.denseUnits().size();
    FloatDense[] dense = new FloatDense[layers + 1];
    for (int j = 0; j < layers; j++) {
      int out = cnn.denseUnits().get(j);
      dense[j] = new FloatDense(in, out, bundle.tensor(WeightFiles.denseKernel(j)).toArray(),
          bundle.tensor(WeightFiles.denseBias(j)).toArray(), FloatNorm.of(bundle, WeightFiles.denseBn(j)), rows);
      in = out;
    }
    dense[layers] = new FloatDense(in, config.embeddingDim(), bundle.tensor(WeightFiles.OUTPUT_KERNEL).toArray(),
        bundle.tensor(WeightFiles.OUTPUT_BIAS).toArray(), null, rows);
    return new BatchedCnn(config, attention, convs, dense, rows);
  }

  /** Values of one waveform: H × Wd × C. */
  public int inputSize() {
    return height * width * channels;
  }

  /** The predicted embedding of the waveform stored in {@code wave} from {@code offset}. */
  public float[] forward(double[] wave, int offset) {
    return forward(wave, offset, 1)[0];
  }

  /** The predicted embeddings of {@code n} waveforms stored back to back in {@code waves} from {@code offset}. */
  public float[][] forward(double[] waves, int offset, int n) {
    int size = inputSize();
    if (n < 0 || offset < 0 || (long) offset + (long) n * size > waves.length) {
      throw new IllegalArgumentException(n + " waveforms of " + size + " values from " + offset
          + " do not fit in an array of " + waves.length);
    }
    float[][] out = new float[n][];
    for (int from = 0; from < n; from += TILE) {
      int m = Math.min(TILE, n - from);
      float[] x = new float[m * size];
      int at = offset + from * size;
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) waves[at + i];
      }
      float[] y = tile(x, m);
      for (int b = 0; b < m; b++) {
        float[] e = new float[outputSize];
        System.arraycopy(y, b * outputSize, e, 0, outputSize);
        out[from + b] = e;
      }
    }
    return out;
  }

  /** {@code m} waveforms through every layer; their embeddings back to back. */
  private float[] tile(float[] x, int m) {
    int h = height;
    int w = width;
    int pixels = h * w;
    if (attention != null) {
      float[] a = attention.apply(x, m, h, w);
      for (int p = 0; p < m * pixels; p++) {
        float gate = (float) (1.0 / (1.0 + Math.exp(-a[p])));
        for (int ch = 0; ch < channels; ch++) {
          x[p * channels + ch] *= gate;
        }
      }
    }
    int c = channels;
    for (int j = 0; j < convs.length; j++) {
      x = convs[j].apply(x, m, h, w);
      c = convs[j].out;
      if (j + 1 < convs.length) {
        x = maxPool(x, m, h, w, c);
        h /= 2;
        w /= 2;
      }
    }
    // flatten: each map is already laid out (h·W′ + w)·filters + c, as the format orders it
    float[] v = flatten ? x : globalAverage(x, m, h * w, c);
    for (FloatDense d : dense) {
      v = d.apply(v, m);
    }
    return v;
  }

  private static float[] globalAverage(float[] x, int m, int pixels, int c) {
    float[] v = new float[m * c];
    for (int b = 0; b < m; b++) {
      int map = b * pixels * c;
      for (int p = 0; p < pixels; p++) {
        for (int ch = 0; ch < c; ch++) {
          v[b * c + ch] += x[map + p * c + ch];
        }
      }
      for (int ch = 0; ch < c; ch++) {
        v[b * c + ch] /= pixels;
      }
    }
    return v;
  }

  private static float[] maxPool(float[] x, int m, int h, int w, int c) {
    int oh = h / 2;
    int ow = w / 2;
    float[] out = new float[m * oh * ow * c];
    for (int b = 0; b < m; b++) {
      int in = b * h * w * c;
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          int o = ((b * oh + i) * ow + j) * c;
          int p = in + ((2 * i) * w + 2 * j) * c;
          int q = in + ((2 * i + 1) * w + 2 * j) * c;
          for (int ch = 0; ch < c; ch++) {
            out[o + ch] = Math.max(Math.max(x[p + ch], x[p + c + ch]), Math.max(x[q + ch], x[q + c + ch]));
          }
        }
      }
    }
    return out;
  }
}
