package org.lsmspark.training;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;

/**
 * Keras's initial CNN: Glorot-uniform kernels (the output kernel scaled by {@value #OUTPUT_INIT_SCALE}),
 * zero biases, batch norms γ = 1, β = 0, moving mean 0 and variance 1; values drawn from the
 * caller's {@link Random} in {@link ModelConfig#weightShapes()} order.
 */
final class CnnInit {
  /** The output layer starts small: turn embeddings are short vectors, and a full-scale start spends the first epoch shrinking the predictions. */
  static final double OUTPUT_INIT_SCALE = 0.05;

  private CnnInit() {}

  static Map<String, Tensor> draw(ModelConfig config, Random rng) {
    Map<String, Tensor> out = new TreeMap<>();
    for (Map.Entry<String, int[]> e : config.weightShapes().entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("cnn/")) {
        continue;
      }
      int[] s = e.getValue();
      int n = 1;
      for (int d : s) {
        n *= d;
      }
      float[] v = new float[n];
      if (name.endsWith(".kernel")) {
        boolean conv = s.length == 4;
        int fanIn = conv ? s[0] * s[1] * s[2] : s[0];
        int fanOut = conv ? s[0] * s[1] * s[3] : s[1];
        v = ReservoirInit.glorot(rng, n, fanIn, fanOut, (name + WeightFiles.NPY).equals(WeightFiles.OUTPUT_KERNEL) ? OUTPUT_INIT_SCALE : 1.0);
      } else if (name.endsWith(".gamma") || name.endsWith(".variance")) {
        Arrays.fill(v, 1f);
      }
      out.put(name + WeightFiles.NPY, Tensor.of(v, s));
    }
    return out;
  }
}
