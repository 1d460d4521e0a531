package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.lsmspark.model.CnnConfig.Pooling.FLATTEN;
import static org.lsmspark.model.CnnConfig.Pooling.GLOBAL_AVERAGE;
import static org.lsmspark.model.WaveformConfig.Layout.ROLLING;
import static org.lsmspark.model.WaveformConfig.Layout.STACKED;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lsmspark.model.CnnConfig.Pooling;
import org.lsmspark.model.LayerConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TestModels;
import org.lsmspark.model.WaveformConfig.Layout;

/**
 * Models of shapes other than the golden fixture's go through the same code: every count and
 * size comes from model.json. The reference below is a direct transcription of
 * MODEL_FORMAT.md's formulas (dense loops, double precision), independent of the optimized code.
 */
class OtherShapesTest {
  private static final Pooling AVERAGE = GLOBAL_AVERAGE;
  @TempDir Path tmp;

  static Stream<Arguments> shapes() {
    return Stream.of(
        // window, dim, layers, multichannel, attention, filters, kernels, dense, layout, input channel, pooling
        Arguments.of(4, 8, new int[] {16}, false, false, new int[] {5}, new int[] {3}, new int[] {}, ROLLING, false, AVERAGE),
        Arguments.of(6, 12, new int[] {24, 10}, true, true, new int[] {6, 8}, new int[] {3, 3}, new int[] {10}, ROLLING, false, AVERAGE),
        Arguments.of(8, 5, new int[] {9, 7, 3, 11}, true, false, new int[] {4, 4, 6}, new int[] {1, 5, 3}, new int[] {7, 5, 4},
            ROLLING, false, AVERAGE),
        Arguments.of(7, 16, new int[] {32, 8}, false, true, new int[] {3, 5}, new int[] {7, 1}, new int[] {12}, ROLLING, false, AVERAGE),
        Arguments.of(2, 3, new int[] {2}, true, true, new int[] {2, 2}, new int[] {3, 3}, new int[] {2}, ROLLING, false, AVERAGE),
        // format v2: stacked without the input channel
        Arguments.of(6, 12, new int[] {24, 10}, true, true, new int[] {6, 8}, new int[] {3, 3}, new int[] {10}, STACKED, false, AVERAGE),
        // the input channel with rolling (D 8 longer than W 5: cut like every channel)
        Arguments.of(5, 8, new int[] {16, 6}, true, false, new int[] {4}, new int[] {3}, new int[] {6}, ROLLING, true, AVERAGE),
        // flatten after three convs and two pools: H 9 → 4 → 2, Wd 11 → 5 → 2
        Arguments.of(9, 6, new int[] {11, 7}, true, true, new int[] {3, 4, 5}, new int[] {3, 1, 3}, new int[] {8, 5},
            STACKED, true, FLATTEN),
        // flatten straight into the output layer
        Arguments.of(6, 5, new int[] {9}, false, true, new int[] {4, 3}, new int[] {3, 3}, new int[] {}, ROLLING, false, FLATTEN),
        // a single channel, stacked and flattened
        Arguments.of(4, 7, new int[] {10}, false, false, new int[] {3}, new int[] {5}, new int[] {4}, STACKED, false, FLATTEN));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void predictsThroughTheSameCodeAsTheReference(int window, int dim, int[] layers, boolean multichannel,
      boolean attention, int[] filters, int[] kernels, int[] dense, Layout layout, boolean inputChannel,
      Pooling pooling) {
    ModelBundle built = TestModels.builder().window(window).dim(dim).layers(layers).multichannel(multichannel)
        .attention(attention).convs(filters, kernels).dense(dense).waveform(layout, inputChannel).pooling(pooling)
        .seed(window * 31L + dim).build();
    ModelDirectory.write(built, tmp.resolve("m").toString());
    ModelBundle bundle = ModelDirectory.read(tmp.resolve("m").toString());
    LsmModel model = LsmModel.of(bundle);
    Random rng = new Random(5);
    List<List<String>> windows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      List<String> w = new ArrayList<>();
      for (int t = 0; t < window; t++) {
        w.add(rng.nextInt(4) == 0 ? "" : TestModels.turn(rng.nextInt(60), 20) + (rng.nextBoolean() ? " w3 w7" : ""));
      }
      windows.add(w);
    }
    List<Prediction> predictions = model.predict(windows, 3);
    for (int i = 0; i < windows.size(); i++) {
      double[] expected = reference(bundle, model, windows.get(i));
      float[] actual = predictions.get(i).embedding();
      assertEquals(dim, actual.length);
      double scale = 1;
      for (double v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int k = 0; k < dim; k++) {
        assertEquals(expected[k], actual[k], 1e-5 * scale, "window " + i + ", value " + k);
      }
      assertEquals(3, predictions.get(i).topK().size());
    }
  }

  // ---------------------------------------------------------------- the reference, from the spec

  static double[] reference(ModelBundle b, LsmModel model, List<String> turns) {
    ModelConfig c = b.config();
    int w = c.windowSize();
    List<LayerConfig> specs = c.reservoir().layers();
    boolean input = c.waveform().inputChannel();
    boolean stacked = c.waveform().layout() == Layout.STACKED;
    int channels = (input ? 1 : 0) + (c.reservoir().multichannel() ? specs.size() : 1);
    // per turn, every channel's vector: the embedding first when it is a channel, then the layers
    List<List<double[]>> perTurn = new ArrayList<>();
    int longest = 0;
    for (int t = 0; t < w; t++) {
      double[] x = toDouble(model.tokenizer().encode(turns.get(t)));
      List<double[]> chans = new ArrayList<>();
      if (input) {
        chans.add(x);
      }
      List<double[]> outs = new ArrayList<>();
      for (int l = 0; l < specs.size(); l++) {
        Tensor k = b.tensor("reservoir/layer" + l + ".kernel.npy");
        Tensor m = b.tensor("reservoir/layer" + l + ".mask.npy");
        Tensor bias = b.tensor("reservoir/layer" + l + ".bias.npy");
        int units = specs.get(l).units();
        double[] h = new double[units];
        for (int j = 0; j < units; j++) {
          double z = bias.get(j);
          for (int i = 0; i < x.length; i++) {
            z += x[i] * k.get(i * units + j) * m.get(i * units + j);
          }
          LayerConfig p = specs.get(l);
          h[j] = p.amplitude() * Math.exp(-p.decay() * Math.abs(z)) * Math.sin(p.frequency() * z);
        }
        outs.add(h);
        x = h;
      }
      chans.addAll(c.reservoir().multichannel() ? outs : List.of(outs.get(outs.size() - 1)));
      for (double[] h : chans) {
        longest = Math.max(longest, h.length);
      }
      perTurn.add(chans);
    }
    // rolling: W wide, h[j − t] when 0 ≤ j − t < n; stacked: as wide as the longest channel, h[j] when j < n
    int width = stacked ? longest : w;
    double[][][] wave = new double[w][width][channels];
    for (int t = 0; t < w; t++) {
      for (int ch = 0; ch < channels; ch++) {
        double[] h = perTurn.get(t).get(ch);
        for (int j = 0; j < width; j++) {
          int src = stacked ? j : j - t;
          if (src >= 0 && src < h.length) {
            wave[t][j][ch] = h[src];
          }
        }
      }
    }
    double[][][] x = wave;
    if (c.cnn().useAttention()) {
      double[][][] a = conv(x, b.tensor("cnn/attention.kernel.npy"), b.tensor("cnn/attention.bias.npy"), 7, 1);
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x[0].length; j++) {
          double g = 1 / (1 + Math.exp(-a[i][j][0]));
          for (int ch = 0; ch < channels; ch++) {
            x[i][j][ch] *= g;
          }
        }
      }
    }
    int n = c.cnn().convCount();
    for (int j = 0; j < n; j++) {
      int out = c.cnn().convFilters().get(j);
      x = conv(x, b.tensor("cnn/conv" + j + ".kernel.npy"), b.tensor("cnn/conv" + j + ".bias.npy"),
          c.cnn().convKernels().get(j), out);
      for (double[][] row : x) {
        for (double[] v : row) {
          reluBatchNorm(v, b, "cnn/conv" + j + ".bn");
        }
      }
      if (j + 1 < n) {
        double[][][] p = new double[x.length / 2][x[0].length / 2][out];
        for (int r = 0; r < p.length; r++) {
          for (int q = 0; q < p[0].length; q++) {
            for (int ch = 0; ch < out; ch++) {
              p[r][q][ch] = Math.max(Math.max(x[2 * r][2 * q][ch], x[2 * r][2 * q + 1][ch]),
                  Math.max(x[2 * r + 1][2 * q][ch], x[2 * r + 1][2 * q + 1][ch]));
            }
          }
        }
        x = p;
      }
    }
    int cOut = x[0][0].length;
    double[] v;
    if (c.cnn().pooling() == Pooling.FLATTEN) {
      // the [H′, W′, filters] map in height-width-channel order: index (h·W′ + w)·filters + c
      v = new double[x.length * x[0].length * cOut];
      for (int r = 0; r < x.length; r++) {
        for (int q = 0; q < x[0].length; q++) {
          for (int ch = 0; ch < cOut; ch++) {
            v[(r * x[0].length + q) * cOut + ch] = x[r][q][ch];
          }
        }
      }
    } else {
      v = new double[cOut];
      for (double[][] row : x) {
        for (double[] px : row) {
          for (int ch = 0; ch < cOut; ch++) {
            v[ch] += px[ch] / (x.length * x[0].length);
          }
        }
      }
    }
    for (int j = 0; j < c.cnn().denseUnits().size(); j++) {
      v = dense(v, b.tensor("cnn/dense" + j + ".kernel.npy"), b.tensor("cnn/dense" + j + ".bias.npy"));
      reluBatchNorm(v, b, "cnn/dense" + j + ".bn");
    }
    return dense(v, b.tensor("cnn/output.kernel.npy"), b.tensor("cnn/output.bias.npy"));
  }

  static double[][][] conv(double[][][] x, Tensor kernel, Tensor bias, int k, int out) {
    int h = x.length;
    int w = x[0].length;
    int in = x[0][0].length;
    int pad = k / 2;
    double[][][] y = new double[h][w][out];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        for (int o = 0; o < out; o++) {
          double s = bias.get(o);
          for (int di = 0; di < k; di++) {
            for (int dj = 0; dj < k; dj++) {
              int ii = i + di - pad;
              int jj = j + dj - pad;
              if (ii < 0 || ii >= h || jj < 0 || jj >= w) {
                continue;
              }
              for (int ci = 0; ci < in; ci++) {
                s += x[ii][jj][ci] * kernel.get(((di * k + dj) * in + ci) * out + o);
              }
            }
          }
          y[i][j][o] = s;
        }
      }
    }
    return y;
  }

  static void reluBatchNorm(double[] v, ModelBundle b, String prefix) {
    Tensor gamma = b.tensor(prefix + ".gamma.npy");
    Tensor beta = b.tensor(prefix + ".beta.npy");
    Tensor mean = b.tensor(prefix + ".mean.npy");
    Tensor var = b.tensor(prefix + ".variance.npy");
    for (int i = 0; i < v.length; i++) {
      double r = Math.max(0, v[i]);
      v[i] = gamma.get(i) * (r - mean.get(i)) / Math.sqrt(var.get(i) + 0.001) + beta.get(i);
    }
  }

  static double[] dense(double[] x, Tensor kernel, Tensor bias) {
    int out = bias.size();
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = bias.get(o);
      for (int i = 0; i < x.length; i++) {
        s += x[i] * kernel.get(i * out + o);
      }
      y[o] = s;
    }
    return y;
  }

  static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
