package org.lsmspark.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.lsmspark.model.CnnConfig.Pooling.FLATTEN;
import static org.lsmspark.model.CnnConfig.Pooling.GLOBAL_AVERAGE;
import static org.lsmspark.model.WaveformConfig.Layout.ROLLING;
import static org.lsmspark.model.WaveformConfig.Layout.STACKED;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lsmspark.model.Golden;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TestModels;

class BatchedCnnTest {
  /** The golden CNN outputs (PyTorch, float64) within the fixture's tolerance, one window and all at once. */
  @ParameterizedTest
  @ValueSource(strings = {"V1", "V2"})
  void goldenWaveformsGiveGoldenPredictions(String version) {
    Golden golden = version.equals("V1") ? Golden.V1 : Golden.V2;
    Tensor waves = golden.npy("debug/waveforms.npy");
    Tensor expected = golden.npy("debug/predictions.npy");
    BatchedCnn cnn = BatchedCnn.of(golden.bundle());
    int n = waves.dim(0);
    int d = expected.dim(1);
    double[] all = toDouble(waves);
    float[][] batch = cnn.forward(all, 0, n);
    for (int i = 0; i < n; i++) {
      double scale = 1;
      for (int k = 0; k < d; k++) {
        scale = Math.max(scale, Math.abs(expected.get(i * d + k)));
      }
      for (int k = 0; k < d; k++) {
        assertEquals(expected.get(i * d + k), batch[i][k], 2e-4 * scale, version + " window " + i + " value " + k);
      }
      assertArrayEquals(batch[i], cnn.forward(all, i * cnn.inputSize()), version + " window " + i + " alone");
    }
  }

  /** The benchmark shapes (v1 full size with attention and pools; the v2 default, flattened) against WaveCnn. */
  @ParameterizedTest
  @ValueSource(strings = {"v1", "v2"})
  void fullSizeShapesMatchTheDoubleReferenceAndIgnoreTheBatch(String shape) {
    ModelBundle bundle = shape.equals("v1")
        ? TestModels.builder().window(10).dim(128).layers(256, 128, 64).multichannel(true).attention(true)
            .convs(new int[] {32, 64, 128}, new int[] {5, 3, 3}).dense(256, 128).seed(3).build()
        : TestModels.builder().window(10).dim(128).layers(128).multichannel(true).attention(false)
            .waveform(STACKED, true).convs(new int[] {4}, new int[] {1}).dense(256).pooling(FLATTEN).seed(4).build();
    assertBatchIndependentAndClose(bundle, 1e-4);
  }

  /** Small shapes that exercise the remainders: channels not a multiple of four, kernels 1 to 7, no dense layer. */
  @Test
  void oddShapesMatchTheDoubleReferenceAndIgnoreTheBatch() {
    assertBatchIndependentAndClose(TestModels.builder().window(9).dim(6).layers(11, 7).multichannel(true)
        .attention(true).waveform(STACKED, true).convs(new int[] {3, 5, 6}, new int[] {3, 1, 7}).dense(5, 3)
        .pooling(FLATTEN).seed(8).build(), 1e-5);
    assertBatchIndependentAndClose(TestModels.builder().window(6).dim(5).layers(9).multichannel(false)
        .attention(true).waveform(ROLLING, false).convs(new int[] {4, 3}, new int[] {3, 3}).dense()
        .pooling(GLOBAL_AVERAGE).seed(9).build(), 1e-5);
  }

  @Test
  void refusesWaveformsOutsideTheArray() {
    BatchedCnn cnn = BatchedCnn.of(Golden.V1.bundle());
    double[] waves = new double[cnn.inputSize() * 2];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cnn.forward(waves, 1, 2));
    assertEquals("2 waveforms of " + cnn.inputSize() + " values from 1 do not fit in an array of " + waves.length,
        e.getMessage());
  }

  /**
   * 256 random waveforms (a quarter of them with zeroed turns, as padding gives) in batches of
   * 1, 7 and 256 and at shifted offsets: bit-identical floats, and within {@code tol} (relative to
   * the largest value) of the double-precision WaveCnn.
   */
  private static void assertBatchIndependentAndClose(ModelBundle bundle, double tol) {
    BatchedCnn cnn = BatchedCnn.of(bundle);
    WaveCnn reference = WaveCnn.of(bundle);
    int size = cnn.inputSize();
    int n = 256;
    int rowSize = size / bundle.config().waveHeight();
    Random rng = new Random(11);
    double[] waves = new double[(n + 1) * size]; // one spare waveform in front for the shifted offset
    for (int i = 0; i < waves.length; i++) {
      waves[i] = rng.nextGaussian() * 0.5;
    }
    for (int i = 0; i < n / 4; i++) {
      int row = rng.nextInt(bundle.config().waveHeight());
      java.util.Arrays.fill(waves, (1 + i * 4) * size + row * rowSize, (1 + i * 4) * size + (row + 1) * rowSize, 0.0);
    }
    float[][] whole = cnn.forward(waves, size, n);
    for (KernelRows rows : KernelRowsTest.all()) {
      float[][] other = BatchedCnn.of(bundle, rows).forward(waves, size, n);
      for (int j = 0; j < n; j++) {
        assertArrayEquals(whole[j], other[j], rows.describe() + ", window " + j);
      }
    }
    for (int batch : new int[] {1, 7, 256}) {
      for (int from = 0; from < n; from += batch) {
        int m = Math.min(batch, n - from);
        float[][] part = cnn.forward(waves, (1 + from) * size, m);
        for (int j = 0; j < m; j++) {
          assertArrayEquals(whole[from + j], part[j], "window " + (from + j) + " in a batch of " + batch);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      float[] want = reference.forward(waves, (1 + i) * size);
      double scale = 1;
      for (float v : want) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], whole[i][k], tol * scale, "window " + i + " value " + k);
      }
    }
  }

  private static double[] toDouble(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.get(i);
    }
    return d;
  }
}
