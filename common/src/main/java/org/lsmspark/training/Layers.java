package org.lsmspark.training;

import java.util.Map;
import java.util.Random;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What the hand-written layers share: reading initial tensors, dropout masks, float conversions. */
final class Layers {
  private Layers() {}

  static Tensor tensor(Map<String, Tensor> init, String name) {
    Tensor t = init.get(WeightFiles.cnn(name));
    if (t == null) {
      throw new IllegalArgumentException("initial weights lack " + WeightFiles.cnn(name));
    }
    return t;
  }

  /** Inverted dropout: 0 with probability {@code rate}, else 1/(1 − rate), drawn from {@code rng}. */
  static float[] dropoutMask(int size, double rate, Random rng) {
    float[] m = new float[size];
    float keep = (float) (1.0 / (1.0 - rate));
    for (int i = 0; i < size; i++) {
      m[i] = rng.nextDouble() < rate ? 0f : keep;
    }
    return m;
  }

  static float[] floats(INDArray a) {
    return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  static float[] floats(double[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }
}
