package org.lsmspark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.lsmspark.cnn.BatchedCnn;
import org.lsmspark.cnn.WaveCnn;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.LayerConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.ReservoirConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TokenizerConfig;
import org.lsmspark.model.WaveformConfig;
import org.lsmspark.model.WeightFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The CNN alone, windows per second on one thread: the double-precision {@link WaveCnn} one
 * window at a time (the old path) against {@link BatchedCnn} one window at a time and over a
 * batch of 256. Shapes: v1 full size (attention, convs 32/64/128 with kernels 5/3/3, dense
 * 256/128, global average on a [10, 10, 3] image) and the v2 default (stacked with the input
 * channel, [10, 128, 2], one 1×1 conv of 4 filters, flatten to 5,120, dense 256). Random weights
 * and waveforms: the cost does not depend on their values beyond the zero-input skips.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class CnnBenchmark {
  static final int N = 256;

  @Param({"v1", "v2"})
  public String shape;

  private WaveCnn reference;
  private BatchedCnn batched;
  private double[] waves;
  private int size;

  @Setup(Level.Trial)
  public void setUp() {
    ModelBundle bundle = shape.equals("v1")
        ? bundle(List.of(256, 128, 64), WaveformConfig.V1, new CnnConfig(true, List.of(32, 64, 128), List.of(5, 3, 3),
            List.of(256, 128), CnnConfig.Pooling.GLOBAL_AVERAGE))
        : bundle(List.of(128), new WaveformConfig(WaveformConfig.Layout.STACKED, true),
            new CnnConfig(false, List.of(4), List.of(1), List.of(256), CnnConfig.Pooling.FLATTEN));
    reference = WaveCnn.of(bundle);
    batched = BatchedCnn.of(bundle);
    size = batched.inputSize();
    Random rng = new Random(1);
    waves = new double[N * size];
    for (int i = 0; i < waves.length; i++) {
      waves[i] = rng.nextGaussian() * 0.5;
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void doublePerWindow(Blackhole bh) {
    for (int i = 0; i < N; i++) {
      bh.consume(reference.forward(waves, i * size));
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void floatPerWindow(Blackhole bh) {
    for (int i = 0; i < N; i++) {
      bh.consume(batched.forward(waves, i * size));
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public Object floatBatch256() {
    return batched.forward(waves, 0, N);
  }

  /** Window 10, embedding 128, the given reservoir, waveform and CNN; random weights scaled by fan-in. */
  static ModelBundle bundle(List<Integer> units, WaveformConfig waveform, CnnConfig cnn) {
    List<LayerConfig> layers = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      layers.add(LayerConfig.standard(i, units.get(i)));
    }
    int terms = 50;
    int vocab = 100;
    int dim = 128;
    ModelConfig config = new ModelConfig("cnn-bench", 10, dim,
        new TokenizerConfig(terms, 1, 2, "english", true, TokenizerConfig.TOKEN_PATTERN, 0.1),
        new ReservoirConfig(0.3, true, layers), waveform, cnn);
    Random rng = new Random(42);
    Map<String, Tensor> t = new TreeMap<>();
    List<String> termList = new ArrayList<>();
    for (int i = 0; i < terms; i++) {
      termList.add("w" + i);
    }
    termList.sort(String::compareTo);
    List<String> vocabList = new ArrayList<>();
    for (int i = 0; i < vocab; i++) {
      vocabList.add("w" + (i % terms) + " w" + ((i * 7 + 3) % terms) + " #" + i);
    }
    t.put(WeightFiles.IDF, random(rng, 1, 2, 0, terms));
    t.put(WeightFiles.COMPONENTS, random(rng, 0, 0, 1.0 / Math.sqrt(terms), dim, terms));
    t.put(WeightFiles.VOCAB_EMBEDDINGS, random(rng, 0, 0, 0.3, vocab, dim));
    config.weightShapes().forEach((name, shape) -> {
      Tensor value;
      if (name.endsWith(".mask")) {
        value = random(rng, 1, 1, 0, shape); // all ones: every output unit keeps its inputs
      } else if (name.endsWith(".variance") || name.endsWith(".gamma")) {
        value = random(rng, 0.5, 1.5, 0, shape);
      } else {
        int fanIn = 1;
        for (int i = 0; i < shape.length - 1; i++) {
          fanIn *= shape[i];
        }
        value = random(rng, 0, 0, name.endsWith(".kernel") ? 1.5 / Math.sqrt(fanIn) : 0.1, shape);
      }
      t.put(name + ".npy", value);
    });
    return ModelBundle.of(config, termList, vocabList, t);
  }

  /** Uniform in [lo, hi] plus a normal of deviation {@code sd}. */
  private static Tensor random(Random rng, double lo, double hi, double sd, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * rng.nextDouble() + sd * rng.nextGaussian());
    }
    return Tensor.of(v, shape);
  }
}
