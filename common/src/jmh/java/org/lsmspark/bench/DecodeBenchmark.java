package org.lsmspark.bench;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.Tensor;
import org.lsmspark.tokenizer.DecodeMode;
import org.lsmspark.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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

/**
 * Decode cost against vocabulary size: the full-size model's predicted embeddings decoded in
 * batches of 256 (top 5) against the first {@code vocab} vocabulary turns, exactly or through the
 * HNSW graph (built in set-up, not timed). Windows per second, one calling thread.
 * {@code preselect} picks the exact decode's preselection (system property
 * {@code lsm.decode.preselect}): the dense float32 GEMM, the factored TF-IDF·Cᵀ scores, or auto;
 * {@code decodeBatch1} decodes one window per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 5)
public class DecodeBenchmark extends FullSizeModel {
  static final int N = 256;

  @Param({"10000", "40000", "166468"})
  public int vocab;

  @Param({"exact", "approximate"})
  public String decode;

  @Param({"auto"})
  public String preselect;

  private Tokenizer tokenizer;
  private DecodeMode mode;
  private float[][] embeddings;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    LsmModel model = LsmModel.of(BenchData.bundle(dir));
    List<List<String>> windows = BenchData.windows(dir);
    System.setProperty("lsm.decode.preselect", preselect);
    Tokenizer full = model.tokenizer();
    int v = Math.min(vocab, full.vocabularySize());
    int dim = full.embeddingDim();
    float[] rows = Arrays.copyOf(full.vocabEmbeddings().toArray(), v * dim);
    tokenizer = new Tokenizer(full.config(), full.terms(), full.idf(), full.components(),
        full.vocabulary().subList(0, v), Tensor.of(rows, v, dim));
    mode = DecodeMode.parse(decode);
    embeddings = new float[1024][];
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = model.embedWindow(windows.get(i));
    }
    tokenizer.decodeBatch(new float[][] {embeddings[0]}, 5, mode); // builds the graph or the GEMM blocks
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public Object decodeBatch256() {
    float[][] batch = new float[N][];
    for (int i = 0; i < N; i++) {
      batch[i] = embeddings[next];
      next = (next + 1) % embeddings.length;
    }
    return tokenizer.decodeBatch(batch, 5, mode);
  }

  @Benchmark
  public Object decodeBatch1() {
    float[] e = embeddings[next];
    next = (next + 1) % embeddings.length;
    return tokenizer.decodeBatch(new float[][] {e}, 5, mode);
  }
}
