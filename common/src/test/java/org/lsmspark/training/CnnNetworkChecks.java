package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.lsmspark.cnn.WaveCnn;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;

/** What the network tests share: random batches, a bundle's CNN tensors, and the WaveCnn comparison. */
final class CnnNetworkChecks {
  private CnnNetworkChecks() {}

  static float[] gaussian(Random rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return v;
  }

  static int waveSize(ModelConfig c) {
    return c.waveHeight() * c.waveWidth() * c.channels();
  }

  static Map<String, Tensor> cnnTensors(ModelBundle bundle) {
    Map<String, Tensor> out = new TreeMap<>();
    bundle.tensors().forEach((k, v) -> {
      if (k.startsWith("cnn/")) {
        out.put(k, v);
      }
    });
    return out;
  }

  static ModelBundle withWeights(ModelBundle base, Map<String, Tensor> cnn) {
    Map<String, Tensor> tensors = new TreeMap<>(base.tensors());
    tensors.putAll(cnn);
    return ModelBundle.of(base.config(), base.terms(), base.vocabulary(), tensors);
  }

  /** The network's inference mode and WaveCnn on the network's exported weights give the same embeddings. */
  static void assertMatchesWaveCnn(ModelBundle base, CnnNetwork net, float[] waves, int n) {
    ModelBundle bundle = withWeights(base, net.weights());
    WaveCnn cnn = WaveCnn.of(bundle);
    float[] got = net.predict(waves, n);
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
        worst = Math.max(worst, Math.abs(want[d] - got[i * dim + d]) / Math.max(1, Math.abs(want[d])));
      }
    }
    assertEquals(0, worst, 1e-4, "largest difference between the training network and WaveCnn");
  }
}
