package org.lsmspark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Builds random but well-scaled models of any shape the format allows, for tests that must not
 * depend on the golden fixture's shape. The tokenizer part is a small consistent one: terms
 * {@code w0..w(F-1)}, vocabulary turns made of those terms.
 */
public final class TestModels {
  private long seed = 7;
  private String modelId = "test-model";
  private int window = 6;
  private int dim = 12;
  private int terms = 20;
  private int vocab = 40;
  private int[] layers = {24, 10};
  private boolean multichannel = true;
  private boolean attention = true;
  private int[] filters = {6, 8};
  private int[] kernels = {3, 3};
  private int[] dense = {10};
  private WaveformConfig waveform = WaveformConfig.V1;
  private CnnConfig.Pooling pooling = CnnConfig.Pooling.GLOBAL_AVERAGE;
  private double unknownThreshold = 0.1;

  public static TestModels builder() {
    return new TestModels();
  }

  public TestModels seed(long v) { seed = v; return this; }
  public TestModels modelId(String v) { modelId = v; return this; }
  public TestModels window(int v) { window = v; return this; }
  public TestModels dim(int v) { dim = v; return this; }
  public TestModels terms(int v) { terms = v; return this; }
  public TestModels vocab(int v) { vocab = v; return this; }
  public TestModels layers(int... v) { layers = v; return this; }
  public TestModels multichannel(boolean v) { multichannel = v; return this; }
  public TestModels attention(boolean v) { attention = v; return this; }
  public TestModels convs(int[] f, int[] k) { filters = f; kernels = k; return this; }
  public TestModels dense(int... v) { dense = v; return this; }
  public TestModels unknownThreshold(double v) { unknownThreshold = v; return this; }
  public TestModels waveform(WaveformConfig.Layout layout, boolean inputChannel) {
    waveform = new WaveformConfig(layout, inputChannel);
    return this;
  }
  public TestModels pooling(CnnConfig.Pooling v) { pooling = v; return this; }

  public ModelConfig config() {
    List<LayerConfig> ls = new ArrayList<>();
    for (int i = 0; i < layers.length; i++) {
      ls.add(LayerConfig.standard(i, layers[i]));
    }
    return new ModelConfig(modelId, window, dim,
        new TokenizerConfig(terms, 1, 2, "english", true, TokenizerConfig.TOKEN_PATTERN, unknownThreshold),
        new ReservoirConfig(0.3, multichannel, ls), waveform,
        new CnnConfig(attention, box(filters), box(kernels), box(dense), pooling));
  }

  /** The vocabulary turn {@code i}: three of the terms. */
  public static String turn(int i, int terms) {
    return "w" + (i % terms) + " w" + ((i * 7 + 3) % terms) + " w" + ((i * 13 + 5) % terms) + " #" + i;
  }

  public ModelBundle build() {
    ModelConfig config = config();
    Random rng = new Random(seed);
    Map<String, Tensor> t = new TreeMap<>();
    List<String> termList = new ArrayList<>();
    for (int i = 0; i < terms; i++) {
      termList.add("w" + i);
    }
    termList.sort(String::compareTo);
    List<String> vocabList = new ArrayList<>();
    for (int i = 0; i < vocab; i++) {
      vocabList.add(turn(i, terms));
    }
    t.put(WeightFiles.IDF, uniform(rng, 1, 3, terms));
    t.put(WeightFiles.COMPONENTS, normal(rng, 1.0 / Math.sqrt(terms), dim, terms));
    t.put(WeightFiles.VOCAB_EMBEDDINGS, normal(rng, 0.3, vocab, dim));
    config.weightShapes().forEach((name, shape) -> {
      Tensor value;
      if (name.endsWith(".mask")) {
        value = mask(rng, shape);
      } else if (name.endsWith(".variance")) {
        value = uniform(rng, 0.05, 1.0, shape);
      } else if (name.endsWith(".gamma")) {
        value = uniform(rng, 0.5, 1.5, shape);
      } else if (name.endsWith(".kernel")) {
        int fanIn = 1;
        for (int i = 0; i < shape.length - 1; i++) {
          fanIn *= shape[i];
        }
        value = normal(rng, 1.5 / Math.sqrt(fanIn), shape);
      } else {
        value = normal(rng, 0.1, shape);
      }
      t.put(name + ".npy", value);
    });
    return ModelBundle.of(config, termList, vocabList, t);
  }

  private static Tensor uniform(Random rng, double lo, double hi, int... shape) {
    float[] v = new float[count(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    }
    return Tensor.of(v, shape);
  }

  private static Tensor normal(Random rng, double sd, int... shape) {
    float[] v = new float[count(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (sd * rng.nextGaussian());
    }
    return Tensor.of(v, shape);
  }

  private static Tensor mask(Random rng, int[] shape) {
    int in = shape[0];
    int units = shape[1];
    float[] v = new float[in * units];
    for (int j = 0; j < units; j++) {
      boolean any = false;
      for (int i = 0; i < in; i++) {
        if (rng.nextDouble() < 0.3) {
          v[i * units + j] = 1f;
          any = true;
        }
      }
      if (!any) {
        v[rng.nextInt(in) * units + j] = 1f;
      }
    }
    return Tensor.of(v, shape);
  }

  private static int count(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  private static List<Integer> box(int[] values) {
    List<Integer> out = new ArrayList<>();
    for (int v : values) {
      out.add(v);
    }
    return out;
  }
}
