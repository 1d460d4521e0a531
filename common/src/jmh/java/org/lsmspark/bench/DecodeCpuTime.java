package org.lsmspark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.tokenizer.DecodeMode;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Thread CPU time per window of the exact decode alone, on the full-size model in {@code args[0]}
 * (bin/bench writes it): the predicted embeddings of its first 1,024 windows decoded (top 5) in
 * batches of 256 and one at a time, on a fork-join pool of one thread whose CPU time is read. On a
 * loaded machine this says more than {@link DecodeBenchmark}'s wall-clock throughput. Three
 * warm-up passes, then {@code args[1]} (default 6), the two paths interleaved; median and range in
 * µs per window.
 * {@code java -Xmx6g -cp common/target/lsm-spark-common-*-benchmarks.jar org.lsmspark.bench.DecodeCpuTime DIR}
 */
public final class DecodeCpuTime {
  private DecodeCpuTime() {}

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    LsmModel model = LsmModel.of(BenchData.bundle(dir));
    List<List<String>> windows = BenchData.windows(dir);
    Tokenizer tokenizer = model.tokenizer();
    float[][] embeddings = new float[1024][];
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = model.embedWindow(windows.get(i));
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    ForkJoinPool pool = new ForkJoinPool(1);
    int[] batches = {256, 1};
    int[] windowsPerPass = {embeddings.length, 128};
    double[][] micros = new double[batches.length][passes];
    for (int pass = -3; pass < passes; pass++) {
      for (int b = 0; b < batches.length; b++) {
        int batch = batches[b];
        int n = windowsPerPass[b];
        int p = pass;
        double us = pool.submit(() -> {
          long c0 = mx.getCurrentThreadCpuTime();
          for (int from = 0; from < n; from += batch) {
            float[][] chunk = Arrays.copyOfRange(embeddings, from, Math.min(n, from + batch));
            tokenizer.decodeBatch(chunk, 5, DecodeMode.EXACT, pool);
          }
          return (mx.getCurrentThreadCpuTime() - c0) / 1e3 / n;
        }).get();
        if (p >= 0) {
          micros[b][p] = us;
        }
      }
    }
    for (int b = 0; b < batches.length; b++) {
      double[] m = micros[b].clone();
      Arrays.sort(m);
      System.out.printf("exact decode, batch %3d: median %6.0f µs CPU/window, range %6.0f–%6.0f over %d passes%n",
          batches[b], m[m.length / 2], m[0], m[m.length - 1], passes);
    }
    pool.shutdown();
  }
}
