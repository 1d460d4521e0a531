package org.lsmspark.model;

import static org.lsmspark.model.TokenizerConfig.require;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything {@code model.json} says about a model's architecture (format v1). The weight files
 * and their shapes follow from it, see {@link #weightShapes()}.
 */
public record ModelConfig(
    String modelId,
    int windowSize,
    int embeddingDim,
    TokenizerConfig tokenizer,
    ReservoirConfig reservoir,
    WaveformConfig waveform,
    CnnConfig cnn) {

  public static final int FORMAT_VERSION = 1;

  public ModelConfig {
    require(modelId != null && !modelId.isEmpty(), "model_id is missing or empty");
    require(embeddingDim >= 1, "embedding_dim must be at least 1, got " + embeddingDim);
    require(tokenizer != null && reservoir != null && cnn != null, "tokenizer, reservoir and cnn are required");
    int minWindow = 1 << (cnn.convCount() - 1);
    require(windowSize >= Math.max(1, minWindow),
        "window_size must be at least 2^(convolutions - 1) = " + minWindow + ", got " + windowSize);
  }

  public ModelConfig withModelId(String id) {
    return new ModelConfig(id, windowSize, embeddingDim, tokenizer, reservoir, waveform, cnn);
  }

  /** Waveform channels fed to the CNN. */
  public int channels() {
    return (waveform.inputChannel() ? 1 : 0) + reservoir.channels();
  }

  public int[] channelLengths() {
    int[] n = new int[channels()];
    int c = 0;
    if (waveform.inputChannel()) {
      n[c++] = embeddingDim;
    }
    var layers = reservoir.layers();
    for (int i = reservoir.multichannel() ? 0 : layers.size() - 1; i < layers.size(); i++) {
      n[c++] = layers.get(i).units();
    }
    return n;
  }

  public int waveHeight() {
    return windowSize;
  }

  public int waveWidth() {
    if (waveform.layout() == WaveformConfig.Layout.ROLLING) {
      return windowSize;
    }
    int w = 0;
    for (int n : channelLengths()) {
      w = Math.max(w, n);
    }
    return w;
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
      shapes.put("reservoir/layer" + i + ".kernel", new int[] {in, units});
      shapes.put("reservoir/layer" + i + ".mask", new int[] {in, units});
      shapes.put("reservoir/layer" + i + ".bias", new int[] {units});
      in = units;
    }
    int c = channels();
    if (cnn.useAttention()) {
      shapes.put("cnn/attention.kernel", new int[] {7, 7, c, 1});
      shapes.put("cnn/attention.bias", new int[] {1});
    }
    for (int j = 0; j < cnn.convCount(); j++) {
      int k = cnn.convKernels().get(j);
      int out = cnn.convFilters().get(j);
      shapes.put("cnn/conv" + j + ".kernel", new int[] {k, k, c, out});
      shapes.put("cnn/conv" + j + ".bias", new int[] {out});
      putBatchNorm(shapes, "cnn/conv" + j + ".bn", out);
      c = out;
    }
    in = c;
    if (cnn.pooling() == CnnConfig.Pooling.FLATTEN) {
      int h = waveHeight();
      int w = waveWidth();
      for (int j = 1; j < cnn.convCount(); j++) {
        h /= 2;
        w /= 2;
      }
      in = h * w * c;
    }
    for (int j = 0; j < cnn.denseUnits().size(); j++) {
      int out = cnn.denseUnits().get(j);
      shapes.put("cnn/dense" + j + ".kernel", new int[] {in, out});
      shapes.put("cnn/dense" + j + ".bias", new int[] {out});
      putBatchNorm(shapes, "cnn/dense" + j + ".bn", out);
      in = out;
    }
    shapes.put("cnn/output.kernel", new int[] {in, embeddingDim});
    shapes.put("cnn/output.bias", new int[] {embeddingDim});
    return shapes;
  }

  private static void putBatchNorm(Map<String, int[]> shapes, String prefix, int n) {
    for (String p : new String[] {"gamma", "beta", "mean", "variance"}) {
      shapes.put(prefix + "." + p, new int[] {n});
    }
  }
}
