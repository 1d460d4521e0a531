package org.lsmspark.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lsmspark.model.Golden;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;

class WaveCnnTest {
  /** V2 covers the rectangular H×Wd input with an input channel and flatten pooling. */
  @ParameterizedTest
  @ValueSource(strings = {"V1", "V2"})
  void goldenWaveformsGiveGoldenPredictions(String version) {
    Golden golden = version.equals("V1") ? Golden.V1 : Golden.V2;
    ModelBundle bundle = golden.bundle();
    Tensor waves = golden.npy("debug/waveforms.npy");
    Tensor expected = golden.npy("debug/predictions.npy");
    WaveCnn cnn = WaveCnn.of(bundle);
    int n = waves.dim(0);
    int size = waves.size() / n;
    int d = expected.dim(1);
    double[] all = new double[waves.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = waves.get(i);
    }
    for (int i = 0; i < n; i++) {
      float[] p = cnn.forward(all, i * size);
      double scale = 1;
      for (int k = 0; k < d; k++) {
        scale = Math.max(scale, Math.abs(expected.get(i * d + k)));
      }
      for (int k = 0; k < d; k++) {
        assertEquals(expected.get(i * d + k), p[k], 2e-5 * scale, "window " + i + " value " + k);
      }
    }
  }
}
