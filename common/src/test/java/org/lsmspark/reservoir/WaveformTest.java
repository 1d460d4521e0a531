package org.lsmspark.reservoir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lsmspark.model.Golden;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TestModels;
import org.lsmspark.model.WaveformConfig.Layout;

class WaveformTest {
  /** The fixture's window embeddings through the reservoir give its [N, H, Wd, C] waveforms. */
  @ParameterizedTest
  @ValueSource(strings = {"V1", "V2"})
  void goldenWindowEmbeddingsGiveGoldenWaveforms(String version) {
    Golden golden = version.equals("V1") ? Golden.V1 : Golden.V2;
    ModelBundle bundle = golden.bundle();
    Tensor embeddings = golden.npy("debug/window_embeddings.npy");
    Tensor expected = golden.npy("debug/waveforms.npy");
    int n = embeddings.dim(0);
    int w = embeddings.dim(1);
    int d = embeddings.dim(2);
    Reservoir reservoir = Reservoir.of(bundle);
    Waveform waveform = Waveform.of(bundle.config());
    assertArrayEquals(new int[] {n, waveform.height(), waveform.width(), waveform.channels()}, expected.shape());
    double[] wave = new double[waveform.size()];
    double[] viaArrays = new double[waveform.size() + 5];
    double worst = 0;
    for (int i = 0; i < n; i++) {
      TurnState[] turns = new TurnState[w];
      float[][] turnEmbeddings = new float[w][];
      double[][][] outputs = new double[w][][];
      for (int t = 0; t < w; t++) {
        float[] e = new float[d];
        for (int k = 0; k < d; k++) {
          e[k] = embeddings.get((i * w + t) * d + k);
        }
        turns[t] = reservoir.turn(e);
        turnEmbeddings[t] = e;
        outputs[t] = reservoir.run(e);
      }
      waveform.render(turns, wave, 0);
      waveform.render(states(turnEmbeddings, outputs), viaArrays, 5);
      assertArrayEquals(wave, Arrays.copyOfRange(viaArrays, 5, viaArrays.length), "window " + i);
      for (int k = 0; k < wave.length; k++) {
        worst = Math.max(worst, Math.abs(wave[k] - expected.get(i * wave.length + k)));
      }
    }
    assertEquals(0, worst, 1e-5, "largest waveform difference");
  }

  @Test
  void singleChannelRollingKeepsTheLastLayerShiftedRight() {
    Waveform waveform = Waveform.of(TestModels.builder().window(3).layers(2, 2).multichannel(false).config());
    double[][][] turns = {
      {{9, 9}, {1, 2}}, {{9, 9}, {3, 4}}, {{9, 9}, {5, 6}},
    };
    double[] wave = new double[waveform.size()];
    waveform.render(states(null, turns), wave, 0);
    double[] expected = {
      1, 2, 0,
      0, 3, 4,
      0, 0, 5,
    };
    assertArrayEquals(expected, wave);
  }

  @Test
  void stackedWithInputChannelShowsWholeRowsPaddedToTheLongestChannel() {
    // channels: the embedding (3 values), then layer 0 (2 values) and layer 1 (4 values); Wd = 4
    ModelConfig config = TestModels.builder().window(2).dim(3).layers(2, 4).multichannel(true)
        .waveform(Layout.STACKED, true).config();
    Waveform waveform = Waveform.of(config);
    assertEquals(4, waveform.width());
    assertEquals(3, waveform.channels());
    float[][] embeddings = {{1, 2, 3}, {4, 5, 6}};
    double[][][] outputs = {{{7, 8}, {9, 10, 11, 12}}, {{13, 14}, {15, 16, 17, 18}}};
    double[] wave = new double[waveform.size()];
    Arrays.fill(wave, -1); // stale values must not survive
    waveform.render(states(embeddings, outputs), wave, 0);
    double[] expected = {
      1, 7, 9, /**/ 2, 8, 10, /**/ 3, 0, 11, /**/ 0, 0, 12,
      4, 13, 15, /**/ 5, 14, 16, /**/ 6, 0, 17, /**/ 0, 0, 18,
    };
    assertArrayEquals(expected, wave);
  }

  @Test
  void rollingWithInputChannelShiftsTheEmbeddingLikeEveryChannel() {
    ModelConfig config = TestModels.builder().window(3).dim(2).layers(4).multichannel(false)
        .waveform(Layout.ROLLING, true).config();
    Waveform waveform = Waveform.of(config);
    assertEquals(3, waveform.width());
    float[][] embeddings = {{1, 2}, {3, 4}, {5, 6}};
    double[][][] outputs = {{{11, 12, 13, 14}}, {{21, 22, 23, 24}}, {{31, 32, 33, 34}}};
    double[] wave = new double[waveform.size()];
    waveform.render(states(embeddings, outputs), wave, 0);
    double[] expected = {
      1, 11, /**/ 2, 12, /**/ 0, 13,
      0, 0, /**/ 3, 21, /**/ 4, 22,
      0, 0, /**/ 0, 0, /**/ 5, 31,
    };
    assertArrayEquals(expected, wave);
  }

  @Test
  void refusesAWindowOfTheWrongLength() {
    Waveform waveform = Waveform.of(TestModels.builder().window(2).dim(3).layers(2).waveform(Layout.STACKED, true)
        .config());
    double[] wave = new double[waveform.size()];
    double[][][] outputs = {{{1, 2}}, {{3, 4}}};
    var e = assertThrows(IllegalArgumentException.class,
        () -> waveform.render(states(new float[][] {{1, 2, 3}}, new double[][][] {{{1, 2}}}), wave, 0));
    assertEquals("window has 1 turns, expected 2", e.getMessage());
  }

  /** Hand-made turn states: embeddings (none: empty ones) and layer outputs per turn. */
  private static TurnState[] states(float[][] embeddings, double[][][] outputs) {
    TurnState[] out = new TurnState[outputs.length];
    for (int t = 0; t < out.length; t++) {
      out[t] = new TurnState(embeddings == null ? new float[0] : embeddings[t], outputs[t]);
    }
    return out;
  }
}
