package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lsmspark.training.CnnNetworkChecks.assertMatchesWaveCnn;
import static org.lsmspark.training.CnnNetworkChecks.cnnTensors;
import static org.lsmspark.training.CnnNetworkChecks.gaussian;
import static org.lsmspark.training.CnnNetworkChecks.waveSize;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.TestModels;
import org.lsmspark.model.WaveformConfig;

class PointwiseCnnTest {

  static ModelBundle shape(CnnConfig.Pooling pooling, int... dense) {
    return TestModels.builder().window(5).dim(6).layers(9).attention(false)
        .waveform(WaveformConfig.Layout.STACKED, true).pooling(pooling)
        .convs(new int[] {3}, new int[] {1}).dense(dense).build();
  }

  @Test
  void supportsOnlyOneOneByOneConvolutionWithoutAttention() {
    assertTrue(PointwiseCnn.supports(new CnnConfig(false, List.of(4), List.of(1), List.of(), CnnConfig.Pooling.FLATTEN)));
    assertFalse(PointwiseCnn.supports(new CnnConfig(true, List.of(4), List.of(1), List.of(), CnnConfig.Pooling.FLATTEN)));
    assertFalse(PointwiseCnn.supports(new CnnConfig(false, List.of(4), List.of(3), List.of(), CnnConfig.Pooling.FLATTEN)));
    assertFalse(PointwiseCnn.supports(new CnnConfig(false, List.of(4, 4), List.of(1, 1), List.of(), CnnConfig.Pooling.FLATTEN)));
  }

  @Test
  void inferenceEqualsWaveCnnBeforeAndAfterTraining() {
    for (ModelBundle base : List.of(shape(CnnConfig.Pooling.FLATTEN, 8, 7), shape(CnnConfig.Pooling.GLOBAL_AVERAGE, 8),
        shape(CnnConfig.Pooling.FLATTEN))) {
      PointwiseCnn net = new PointwiseCnn(base.config(), cnnTensors(base), 0.01, 0.2, 0.3);
      int n = 16;
      Random rng = new Random(3);
      float[] waves = gaussian(rng, n * waveSize(base.config()));
      float[] targets = gaussian(rng, n * 6);
      assertMatchesWaveCnn(base, net, waves, n);
      for (int step = 0; step < 4; step++) {
        net.trainBatch(waves, n, targets, new int[n], new MseObjective(), rng);
      }
      assertNotEquals(base.tensor("cnn/conv0.kernel.npy"), net.weights().get("cnn/conv0.kernel.npy"));
      assertMatchesWaveCnn(base, net, waves, n);
    }
  }

  /**
   * The hand-written backward passes against SameDiff's automatic differentiation: the same start,
   * batches and objective (no dropout) must lead to the same weights, step after step.
   */
  @Test
  void trainsAsSameDiffDoesOnTheSameBatches() {
    for (CnnConfig.Pooling pooling : CnnConfig.Pooling.values()) {
      ModelBundle base = shape(pooling, 8, 7);
      PointwiseCnn hand = new PointwiseCnn(base.config(), cnnTensors(base), 0.01, 0, 0);
      SameDiffCnn auto = new SameDiffCnn(base.config(), cnnTensors(base), 0.01, 0, 0, 0);
      Random data = new Random(5);
      int n = 12;
      int[] ids = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 11};
      for (int step = 0; step < 6; step++) {
        float[] waves = gaussian(data, n * waveSize(base.config()));
        float[] targets = gaussian(data, n * 6);
        double a = hand.trainBatch(waves, n, targets, ids, new ContrastiveObjective(0.2), new Random(1));
        double b = auto.trainBatch(waves, n, targets, ids, new ContrastiveObjective(0.2), new Random(1));
        assertEquals(b, a, 1e-4 * Math.max(1, Math.abs(b)), "loss of step " + step + " with " + pooling);
      }
      hand.weights().forEach((name, t) -> {
        float[] want = auto.weights().get(name).toArray();
        float[] got = t.toArray();
        for (int i = 0; i < got.length; i++) {
          assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), name + "[" + i + "] with " + pooling);
        }
      });
    }
  }
}
