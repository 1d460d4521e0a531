package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

class SameDiffCnnTest {

  /** A format-v1 shape with attention, and a v2 one: stacked with the input channel, flatten after a pool. */
  static List<ModelBundle> shapes() {
    return List.of(
        TestModels.builder().window(8).dim(6).layers(12, 7, 5).attention(true)
            .convs(new int[] {4, 6, 5}, new int[] {3, 3, 1}).dense(9, 7).build(),
        TestModels.builder().window(4).dim(6).layers(10, 5).attention(false)
            .waveform(WaveformConfig.Layout.STACKED, true).pooling(CnnConfig.Pooling.FLATTEN)
            .convs(new int[] {3, 4}, new int[] {3, 1}).dense(8).build());
  }

  @Test
  void inferenceGraphEqualsWaveCnnBeforeAndAfterTrainingForV1AndV2Shapes() {
    for (ModelBundle base : shapes()) {
      SameDiffCnn net = new SameDiffCnn(base.config(), cnnTensors(base), 0.01, 0.25, 0.5, 0.3);
      int n = 24;
      Random rng = new Random(7);
      float[] waves = gaussian(rng, n * waveSize(base.config()));
      float[] targets = gaussian(rng, n * 6);
      int[] ids = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = i;
      }
      assertMatchesWaveCnn(base, net, waves, n);
      for (int step = 0; step < 5; step++) {
        net.trainBatch(waves, n, targets, ids, new ContrastiveObjective(0.1), rng);
      }
      assertNotEquals(base.tensor("cnn/conv0.kernel.npy"), net.weights().get("cnn/conv0.kernel.npy"));
      assertMatchesWaveCnn(base, net, waves, n);
    }
  }
}
