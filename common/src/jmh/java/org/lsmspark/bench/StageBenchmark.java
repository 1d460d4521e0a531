package org.lsmspark.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The stages on their own, per window: encoding a window's texts (TF-IDF or vocabulary lookup),
 * the window's predicted embedding (encoding, reservoir, waveform, CNN; one thread), and decoding
 * predicted embeddings in batches of 1 and 256 (ND4J GEMM preselection and exact rescoring).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class StageBenchmark extends FullSizeModel {
  static final int N = 256;

  private LsmModel model;
  private Tokenizer tokenizer;
  private List<List<String>> windows;
  private float[][] embeddings;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    windows = BenchData.windows(dir);
    model = LsmModel.of(BenchData.bundle(dir));
    tokenizer = model.tokenizer();
    embeddings = new float[2048][];
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = model.embedWindow(windows.get(i));
    }
    tokenizer.decode(embeddings[0], 5);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void encodeWindowTexts(Blackhole bh) {
    int from = advance(windows.size());
    for (int i = from; i < from + N; i++) {
      for (String turn : windows.get(i)) {
        bh.consume(tokenizer.encode(turn));
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void embedWindow(Blackhole bh) {
    int from = advance(windows.size());
    for (int i = from; i < from + N; i++) {
      bh.consume(model.embedWindow(windows.get(i)));
    }
  }

  @Benchmark
  public Object decodeBatch1() {
    next = (next + 1) % embeddings.length;
    return tokenizer.decodeBatch(new float[][] {embeddings[next]}, 5);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public Object decodeBatch256() {
    int from = advance(embeddings.length);
    float[][] batch = new float[N][];
    System.arraycopy(embeddings, from, batch, 0, N);
    return tokenizer.decodeBatch(batch, 5);
  }

  private int advance(int size) {
    int from = next;
    next = (from + N) % (size - N);
    return from;
  }
}
