package org.lsmspark.model;

import static org.lsmspark.model.Checks.require;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything {@code model.json} says about a model's architecture (format v1 or v2). The weight
 * files and their shapes follow from it, see {@link #weightShapes()}; so does the waveform's
 * geometry.
 */
public record ModelConfig(
    String modelId,
    int windowSize,
    int embeddingDim,
    TokenizerConfig tokenizer,
    ReservoirConfig reservoir,
    WaveformConfig waveform,
    CnnConfig cnn) {

  /** The newest {@code format_version} this code reads and writes. */
  public static final int MAX_FORMAT_VERSION = 2;

  public ModelConfig {
    require(modelId != null && !modelId.isEmpty(), "model_id is missing or empty");
    require(embeddingDim >= 1, "embedding_dim must be at least 1, got " + embeddingDim);
    require(tokenizer != null && reservoir != null && waveform != null && cnn != null,
        "tokenizer, reservoir, waveform and cnn are required");
    int minSide = 1 << (cnn.convCount() - 1);
    require(windowSize >= Math.max(1, minSide),
        "window_size must be at least 2^(convolutions - 1) = " + minSide + ", got " + windowSize);
    if (waveform.layout() == WaveformConfig.Layout.STACKED) {
      int width = maxOf(channelLengths(embeddingDim, reservoir, waveform));
      require(width >= minSide, "waveform.layout \"stacked\" makes the image " + width
          + " wide (the longest channel), but 2^(convolutions - 1) = " + minSide + " is needed");
    }
  }

  public ModelConfig withModelId(String id) {
    return new ModelConfig(id, windowSize, embeddingDim, tokenizer, reservoir, waveform, cnn);
  }

  /** 2 when any format-v2 key differs from its default, else 1: what a writer declares. */
  public int formatVersion() {
    boolean v1 = waveform.equals(WaveformConfig.V1) && cnn.pooling() == CnnConfig.Pooling.GLOBAL_AVERAGE;
    return v1 ? 1 : 2;
  }

  /** Waveform channels fed to the CNN: the input channel, if any, then the reservoir's. */
  public int channels() {
    return (waveform.inputChannel() ? 1 : 0) + reservoir.channels();
  }

  /** Length of each channel's vector per turn, in channel order. */
  public int[] channelLengths() {
    return channelLengths(embeddingDim, reservoir, waveform);
  }

  /** The image's height H: one row per turn of the window. */
  public int waveHeight() {
    return windowSize;
  }

  /** The image's width Wd: W for rolling, the longest channel for stacked. */
  public int waveWidth() {
    return waveform.layout() == WaveformConfig.Layout.ROLLING ? windowSize : maxOf(channelLengths());
  }

  /**
   * The reservoir and CNN tensors this configuration needs, by file name without {@code .npy},
   * in a stable order. Tokenizer tensors depend on the term and vocabulary counts and are checked
   * by the tokenizer's reader.
   */
  public Map<String, int[]> weightShapes() {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    int in = embeddingDim;
    for (int i = 0; i < reservoir.layers().size(); i++) {
      int units = reservoir.layers().get(i).units();
      put(shapes, WeightFiles.reservoirKernel(i), in, units);
      put(shapes, WeightFiles.reservoirMask(i), in, units);
      put(shapes, WeightFiles.reservoirBias(i), units);
      in = units;
    }
    int c = channels();
    if (cnn.useAttention()) {
      put(shapes, WeightFiles.ATTENTION_KERNEL, 7, 7, c, 1);
      put(shapes, WeightFiles.ATTENTION_BIAS, 1);
    }
    int h = waveHeight();
    int w = waveWidth();
    for (int j = 0; j < cnn.convCount(); j++) {
      int k = cnn.convKernels().get(j);
      int out = cnn.convFilters().get(j);
      put(shapes, WeightFiles.convKernel(j), k, k, c, out);
      put(shapes, WeightFiles.convBias(j), out);
      putBatchNorm(shapes, WeightFiles.convBn(j), out);
      c = out;
      if (j + 1 < cnn.convCount()) {
        h /= 2;
        w /= 2;
      }
    }
    in = cnn.pooling() == CnnConfig.Pooling.FLATTEN ? h * w * c : c;
    for (int j = 0; j < cnn.denseUnits().size(); j++) {
      int out = cnn.denseUnits().get(j);
      put(shapes, WeightFiles.denseKernel(j), in, out);
      put(shapes, WeightFiles.denseBias(j), out);
      putBatchNorm(shapes, WeightFiles.denseBn(j), out);
      in = out;
    }
    put(shapes, WeightFiles.OUTPUT_KERNEL, in, embeddingDim);
    put(shapes, WeightFiles.OUTPUT_BIAS, embeddingDim);
    return shapes;
  }

  private static int[] channelLengths(int embeddingDim, ReservoirConfig reservoir, WaveformConfig waveform) {
    int[] lengths = new int[(waveform.inputChannel() ? 1 : 0) + reservoir.channels()];
    int c = 0;
    if (waveform.inputChannel()) {
      lengths[c++] = embeddingDim;
    }
    int layers = reservoir.layers().size();
    for (int l = reservoir.multichannel() ? 0 : layers - 1; l < layers; l++) {
      lengths[c++] = reservoir.layers().get(l).units();
    }
    return lengths;
  }

  private static int maxOf(int[] values) {
    int max = 0;
    for (int v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  /** Keys keep the historical form, the file name without {@code .npy}. */
  private static void put(Map<String, int[]> shapes, String file, int... shape) {
    shapes.put(file.substring(0, file.length() - WeightFiles.NPY.length()), shape);
  }

  private static void putBatchNorm(Map<String, int[]> shapes, String prefix, int n) {
    for (String part : WeightFiles.BN_PARTS) {
      put(shapes, WeightFiles.bn(prefix, part), n);
    }
  }
}
