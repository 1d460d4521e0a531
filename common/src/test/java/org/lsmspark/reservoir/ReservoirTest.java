package org.lsmspark.reservoir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.lsmspark.model.Golden;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;

class ReservoirTest {
  private final ModelBundle bundle = Golden.bundle();

  @Test
  void goldenWindowEmbeddingsGiveGoldenWaveforms() {
    Tensor embeddings = Golden.npy("debug/window_embeddings.npy");
    Tensor expected = Golden.npy("debug/waveforms.npy");
    int n = embeddings.dim(0);
    int w = embeddings.dim(1);
    int d = embeddings.dim(2);
    Reservoir reservoir = Reservoir.of(bundle);
    Waveform waveform = Waveform.of(w, reservoir.layerCount(), bundle.config().reservoir().multichannel());
    assertEquals(expected.dim(3), waveform.channels());
    double[] wave = new double[waveform.size()];
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double[][][] turns = new double[w][][];
      for (int t = 0; t < w; t++) {
        float[] e = new float[d];
        for (int k = 0; k < d; k++) {
          e[k] = embeddings.get((i * w + t) * d + k);
        }
        turns[t] = reservoir.run(e);
      }
      waveform.render(turns, wave, 0);
      for (int k = 0; k < wave.length; k++) {
        worst = Math.max(worst, Math.abs(wave[k] - expected.get(i * wave.length + k)));
      }
    }
    assertEquals(0, worst, 1e-5, "largest waveform difference");
  }

  @Test
  void sineActivationFollowsTheFormula() {
    // one unit, one input: h = a·exp(−d·|z|)·sin(f·z) with z = x·w + b
    double z = (double) 0.7f * 1.5f + 0.2f;
    double expected = 1.0 * Math.exp(-0.1 * Math.abs(z)) * Math.sin(2.0 * z);
    assertEquals(expected, TinyModels.oneUnit(1.5f, 1f, 0.2f, 2.0).run(new float[] {0.7f})[0][0], 1e-12);
    // a masked-out weight contributes nothing
    double masked = Math.exp(-0.1 * 0.2f) * Math.sin(2.0 * 0.2f);
    assertEquals(masked, TinyModels.oneUnit(1.5f, 0f, 0.2f, 2.0).run(new float[] {0.7f})[0][0], 1e-12);
  }

  @Test
  void rejectsAnEmbeddingOfTheWrongSize() {
    Reservoir reservoir = Reservoir.of(bundle);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reservoir.run(new float[3]));
    assertEquals("embedding has 3 values, expected 32", e.getMessage());
  }

  @Test
  void singleChannelWaveformKeepsTheLastLayerShiftedRight() {
    Waveform waveform = Waveform.of(3, 2, false);
    double[][][] turns = {
      {{9, 9}, {1, 2}}, {{9, 9}, {3, 4}}, {{9, 9}, {5, 6}},
    };
    double[] wave = new double[waveform.size()];
    waveform.render(turns, wave, 0);
    double[] expected = {
      1, 2, 0,
      0, 3, 4,
      0, 0, 5,
    };
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, wave);
  }
}
