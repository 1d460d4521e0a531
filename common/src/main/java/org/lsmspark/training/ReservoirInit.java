package org.lsmspark.training;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;

/**
 * Draws the reservoir's fixed weights from a seeded {@link Random}, in the reference's order
 * ({@code lsm_ref.random_model}): per layer, the mask (each entry kept with probability
 * {@code sparsity}, then every output unit without an input gets one at a random row), the
 * kernel (Glorot-uniform × 2) and the bias (normal, σ = 0.1).
 */
public final class ReservoirInit {
  private ReservoirInit() {}

  /** The {@code reservoir/layer{i}.{kernel,mask,bias}.npy} tensors. */
  public static Map<String, Tensor> draw(ModelConfig config, Random rng) {
    Map<String, Tensor> out = new TreeMap<>();
    int in = config.embeddingDim();
    double sparsity = config.reservoir().sparsity();
    for (int i = 0; i < config.reservoir().layers().size(); i++) {
      int units = config.reservoir().layers().get(i).units();
      float[] mask = new float[in * units];
      for (int k = 0; k < mask.length; k++) {
        mask[k] = rng.nextDouble() < sparsity ? 1f : 0f;
      }
      for (int j = 0; j < units; j++) {
        boolean any = false;
        for (int r = 0; r < in && !any; r++) {
          any = mask[r * units + j] != 0f;
        }
        if (!any) {
          mask[rng.nextInt(in) * units + j] = 1f;
        }
      }
      float[] kernel = glorot(rng, in * units, in, units, 2.0);
      float[] bias = new float[units];
      for (int j = 0; j < units; j++) {
        bias[j] = (float) (0.1 * rng.nextGaussian());
      }
      String p = "reservoir/layer" + i;
      out.put(p + ".kernel.npy", Tensor.of(kernel, in, units));
      out.put(p + ".mask.npy", Tensor.of(mask, in, units));
      out.put(p + ".bias.npy", Tensor.of(bias, units));
      in = units;
    }
    return out;
  }

  /** n values uniform in ±scale·sqrt(6 / (fanIn + fanOut)). */
  static float[] glorot(Random rng, int n, int fanIn, int fanOut, double scale) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    float[] w = new float[n];
    for (int k = 0; k < n; k++) {
      w[k] = (float) (scale * (2 * rng.nextDouble() - 1) * limit);
    }
    return w;
  }
}
