package org.lsmspark.training;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;

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
      out.put(WeightFiles.reservoirKernel(i), Tensor.of(kernel, in, units));
      out.put(WeightFiles.reservoirMask(i), Tensor.of(mask, in, units));
      out.put(WeightFiles.reservoirBias(i), Tensor.of(bias, units));
      in = units;
    }
    return out;
  }

  /**
   * Rescales each layer's kernel (in place in {@code tensors}) so that its pre-activations
   * x·(kernel ⊙ mask), bias excluded, have standard deviation {@code targetStd} over the given
   * inputs, layer by layer as the reference's {@code calibrate_reservoir} does. Without it the
   * drawn kernels leave pre-activations near 0.05 against biases of 0.1, and the few reservoir
   * outputs a waveform shows barely depend on the turn.
   *
   * @param inputs turn embeddings, [n, D] row-major
   */
  public static void calibrate(ModelConfig config, Map<String, Tensor> tensors, float[] inputs, int n, double targetStd) {
    int in = config.embeddingDim();
    double[] x = new double[n * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = inputs[i];
    }
    for (int l = 0; l < config.reservoir().layers().size(); l++) {
      var layer = config.reservoir().layers().get(l);
      int units = layer.units();
      float[] kernel = tensors.get(WeightFiles.reservoirKernel(l)).toArray();
      float[] mask = tensors.get(WeightFiles.reservoirMask(l)).toArray();
      float[] bias = tensors.get(WeightFiles.reservoirBias(l)).toArray();
      double[] z = new double[n * units];
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < in; i++) {
          double xi = x[r * in + i];
          if (xi == 0) {
            continue;
          }
          for (int j = 0; j < units; j++) {
            z[r * units + j] += xi * kernel[i * units + j] * mask[i * units + j];
          }
        }
      }
      double mean = 0;
      for (double v : z) {
        mean += v;
      }
      mean /= z.length;
      double var = 0;
      for (double v : z) {
        var += (v - mean) * (v - mean);
      }
      double std = Math.sqrt(var / z.length);
      double scale = std > 0 ? targetStd / std : 1.0;
      for (int k = 0; k < kernel.length; k++) {
        kernel[k] = (float) (kernel[k] * scale);
      }
      tensors.put(WeightFiles.reservoirKernel(l), Tensor.of(kernel, in, units));
      double[] next = new double[n * units];
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < units; j++) {
          double zz = z[r * units + j] * scale + bias[j];
          next[r * units + j] = layer.amplitude() * Math.exp(-layer.decay() * Math.abs(zz)) * Math.sin(layer.frequency() * zz);
        }
      }
      x = next;
      in = units;
    }
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
