package org.lsmspark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.lsmspark.cnn.BatchedCnn;
import org.lsmspark.cnn.WaveCnn;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.WaveformConfig;

/**
 * Thread CPU time per window of the CNN alone, {@link CnnBenchmark}'s shapes, waveforms and three
 * paths: on a loaded machine a thread's CPU time says more than JMH's wall-clock throughput. A
 * pass runs each path over four rounds of the 256 windows, the paths interleaved so that a change
 * of load falls on all three; three warm-up passes, then {@code args[0]} (default 8), reported as
 * median and range in µs per window.
 * {@code java -cp common/target/lsm-spark-common-*-benchmarks.jar org.lsmspark.bench.CnnCpuTime}
 */
public final class CnnCpuTime {
  private static final String[] PATHS = {"WaveCnn double per window", "BatchedCnn float per window",
      "BatchedCnn float batch 256"};

  private CnnCpuTime() {}

  public static void main(String[] args) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int n = CnnBenchmark.N;
    int passes = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    for (String shape : List.of("v1", "v2")) {
      ModelBundle bundle = shape.equals("v1")
          ? CnnBenchmark.bundle(List.of(256, 128, 64), WaveformConfig.V1, new CnnConfig(true, List.of(32, 64, 128),
              List.of(5, 3, 3), List.of(256, 128), CnnConfig.Pooling.GLOBAL_AVERAGE))
          : CnnBenchmark.bundle(List.of(128), new WaveformConfig(WaveformConfig.Layout.STACKED, true),
              new CnnConfig(false, List.of(4), List.of(1), List.of(256), CnnConfig.Pooling.FLATTEN));
      WaveCnn ref = WaveCnn.of(bundle);
      BatchedCnn bat = BatchedCnn.of(bundle);
      int size = bat.inputSize();
      Random rng = new Random(1);
      double[] waves = new double[n * size];
      for (int i = 0; i < waves.length; i++) {
        waves[i] = rng.nextGaussian() * 0.5;
      }
      double[][] micros = new double[PATHS.length][passes];
      double sink = 0;
      for (int pass = -3; pass < passes; pass++) {
        for (int p = 0; p < PATHS.length; p++) {
          long c0 = mx.getCurrentThreadCpuTime();
          for (int rep = 0; rep < 4; rep++) {
            if (p == 0) {
              for (int i = 0; i < n; i++) {
                sink += ref.forward(waves, i * size)[0];
              }
            } else if (p == 1) {
              for (int i = 0; i < n; i++) {
                sink += bat.forward(waves, i * size)[0];
              }
            } else {
              sink += bat.forward(waves, 0, n)[0][0];
            }
          }
          long c1 = mx.getCurrentThreadCpuTime();
          if (pass >= 0) {
            micros[p][pass] = (c1 - c0) / 1e3 / (4.0 * n);
          }
        }
      }
      for (int p = 0; p < PATHS.length; p++) {
        double[] m = micros[p].clone();
        Arrays.sort(m);
        System.out.printf("%s %-28s median %5.0f µs CPU/window, range %5.0f–%5.0f over %d passes%n", shape, PATHS[p],
            m[m.length / 2], m[0], m[m.length - 1], passes);
      }
      if (sink == 42.4242) { // keeps the results alive
        System.out.print("");
      }
    }
  }
}
