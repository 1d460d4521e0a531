package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.lsmspark.cnn.WaveCnn;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TestModels;

class CnnTrainerTest {

  /** The SameDiff graph in inference mode and WaveCnn on the written weights agree: layout and BN match. */
  @Test
  void inferenceGraphEqualsWaveCnnBeforeAndAfterTraining() {
    for (boolean attention : new boolean[] {true, false}) {
      ModelBundle base = TestModels.builder().window(8).dim(6).layers(12, 7, 5).attention(attention)
          .convs(new int[] {4, 6, 5}, new int[] {3, 3, 1}).dense(9, 7).build();
      Map<String, Tensor> cnnWeights = new TreeMap<>();
      base.tensors().forEach((k, v) -> {
        if (k.startsWith("cnn/")) {
          cnnWeights.put(k, v);
        }
      });
      CnnTrainer trainer = new CnnTrainer(base.config(), cnnWeights, 0.01);
      int n = 24;
      int size = 8 * 8 * 3;
      Random rng = new Random(7);
      float[] waves = new float[n * size];
      for (int i = 0; i < waves.length; i++) {
        waves[i] = (float) rng.nextGaussian();
      }
      float[] targets = new float[n * 6];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = (float) rng.nextGaussian();
      }
      assertMatches(base, trainer, waves, n);
      for (int step = 0; step < 5; step++) {
        trainer.trainBatch(waves, targets, (step % 3) * 8, 8, rng);
      }
      Map<String, Tensor> tensors = new TreeMap<>(base.tensors());
      tensors.putAll(trainer.weights());
      ModelBundle trained = ModelBundle.of(base.config(), base.terms(), base.vocabulary(), tensors);
      assertTrue(!trained.tensor("cnn/conv0.kernel.npy").equals(base.tensor("cnn/conv0.kernel.npy")));
      assertMatches(trained, trainer, waves, n);
    }
  }

  private static void assertMatches(ModelBundle bundle, CnnTrainer trainer, float[] waves, int n) {
    WaveCnn cnn = WaveCnn.of(bundle);
    float[] graph = trainer.predict(waves, 0, n);
    int size = waves.length / n;
    int dim = bundle.config().embeddingDim();
    double[] wave = new double[size];
    double worst = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < size; k++) {
        wave[k] = waves[i * size + k];
      }
      float[] want = cnn.forward(wave, 0);
      for (int d = 0; d < dim; d++) {
        worst = Math.max(worst, Math.abs(want[d] - graph[i * dim + d]) / Math.max(1, Math.abs(want[d])));
      }
    }
    assertEquals(0, worst, 1e-4, "largest difference between the SameDiff graph and WaveCnn");
  }
}
