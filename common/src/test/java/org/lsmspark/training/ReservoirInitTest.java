package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;

class ReservoirInitTest {

  private static ModelConfig config(double sparsity) {
    TrainingOptions o = TrainingOptions.builder().embeddingDim(40).reservoirUnits(java.util.List.of(300, 50))
        .sparsity(sparsity).build();
    return o.architecture("r");
  }

  @Test
  void everyOutputUnitKeepsAnInputAndTheDensityFollowsTheSparsity() {
    for (double sparsity : new double[] {0.001, 0.1, 1.0}) {
      Map<String, Tensor> w = ReservoirInit.draw(config(sparsity), new Random(3));
      int in = 40;
      for (int layer = 0; layer < 2; layer++) {
        Tensor mask = w.get("reservoir/layer" + layer + ".mask.npy");
        int units = mask.dim(1);
        long ones = 0;
        for (int j = 0; j < units; j++) {
          int col = 0;
          for (int i = 0; i < in; i++) {
            col += mask.get(i * units + j) == 1f ? 1 : 0;
          }
          assertTrue(col >= 1, "layer " + layer + " unit " + j + " has no input at sparsity " + sparsity);
          ones += col;
        }
        double density = ones / (double) (in * units);
        assertTrue(density >= sparsity - 0.03 && density <= Math.max(sparsity, 1.0 / in) + 0.03,
            "density " + density + " at sparsity " + sparsity);
        float limit = (float) (2 * Math.sqrt(6.0 / (in + units)));
        Tensor kernel = w.get("reservoir/layer" + layer + ".kernel.npy");
        for (int k = 0; k < kernel.size(); k++) {
          assertTrue(Math.abs(kernel.get(k)) <= limit);
        }
        in = units;
      }
    }
  }

  @Test
  void theSeedDeterminesEveryValue() {
    assertEquals(ReservoirInit.draw(config(0.1), new Random(9)), ReservoirInit.draw(config(0.1), new Random(9)));
    assertTrue(!ReservoirInit.draw(config(0.1), new Random(9)).equals(ReservoirInit.draw(config(0.1), new Random(10))));
  }

  @Test
  void calibrationSetsThePreActivationSpreadOfEveryLayer() {
    ModelConfig config = config(0.1);
    Map<String, Tensor> w = new java.util.TreeMap<>(ReservoirInit.draw(config, new Random(3)));
    Random rng = new Random(4);
    int n = 200;
    float[] x = new float[n * 40];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.05 * rng.nextGaussian());
    }
    ReservoirInit.calibrate(config, w, x, n, 1.5);
    double[] in = new double[n * 40];
    for (int i = 0; i < in.length; i++) {
      in[i] = x[i];
    }
    int dimIn = 40;
    for (int layer = 0; layer < 2; layer++) {
      Tensor k = w.get("reservoir/layer" + layer + ".kernel.npy");
      Tensor m = w.get("reservoir/layer" + layer + ".mask.npy");
      Tensor b = w.get("reservoir/layer" + layer + ".bias.npy");
      var spec = config.reservoir().layers().get(layer);
      int units = k.dim(1);
      double[] z = new double[n * units];
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < dimIn; i++) {
          for (int j = 0; j < units; j++) {
            z[r * units + j] += in[r * dimIn + i] * k.get(i * units + j) * m.get(i * units + j);
          }
        }
      }
      double mean = java.util.Arrays.stream(z).average().orElseThrow();
      double var = java.util.Arrays.stream(z).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
      assertEquals(1.5, Math.sqrt(var), 1e-3, "layer " + layer);
      double[] next = new double[n * units];
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < units; j++) {
          double zz = z[r * units + j] + b.get(j);
          next[r * units + j] = spec.amplitude() * Math.exp(-spec.decay() * Math.abs(zz)) * Math.sin(spec.frequency() * zz);
        }
      }
      in = next;
      dimIn = units;
    }
  }
}
