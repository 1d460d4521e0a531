package org.lsmspark.tokenizer;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.lsmspark.model.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The factored preselection ({@link FactoredScores}): y = C'ᵀq for up to {@link #CHUNK} queries in
 * one GEMM, then groups of {@link FactoredScores#LANES} queries in parallel, each group scoring
 * every distinct vector block by block; a chunk of at most {@link Preselection#FEW} queries (batch 1,
 * a batch's last few) is projected in Java and scored query by query instead, the parts of a
 * query in parallel (up to 65,536 features, {@link FactoredScores#loneQueries()}).
 * A query's scores are the same float sums whatever its group, kernel or thread (see
 * {@link FactoredScores}), each with its vector's bound.
 *
 * <p>Threads: the groups and ranges run as parallel streams, i.e. in the {@link java.util.concurrent.ForkJoinPool}
 * of the task that calls, or the common pool (sized by the machine) outside one. An inference
 * engine calls through {@link Tokenizer#decodeBatch(float[][], int, DecodeMode,
 * java.util.concurrent.ForkJoinPool)} with a pool of its own {@code threads}, so under Spark an
 * executor's decode uses the cores it was given. Not covered: the one-time build of
 * {@link FactoredScores} (parallel TF-IDF analysis) runs wherever the first decode runs, which for
 * an engine is {@code LazyModel}'s one-window probe on the common pool; the GEMM of y runs on the
 * calling thread ({@link NativeBlas}).
 */
final class FactoredPreselection implements Preselection {
  /** Queries whose y = C'ᵀq one GEMM computes (y is [queries, F] floats). */
  static final int CHUNK = 256;
  /** Distinct vectors scored per pass of a query group (the group's scores stay in cache). */
  static final int BLOCK = 2048;

  private final FactoredScores scores;
  /** C' = C diag(idf) ({@link FactoredScores#projection}). */
  private final INDArray projection;
  private final int dim;
  /**
   * The calling thread's score arrays of {@link #scoreEach}, kept: each is 4 bytes a distinct vector
   * (0.5 MB on the full-size models, at most {@link Preselection#FEW} a thread) and every score in it is
   * overwritten by the next query, so a new array's zeroing (~3 % of a batch-1 decode) bought nothing.
   */
  private final ThreadLocal<float[][]> loneScores = ThreadLocal.withInitial(() -> new float[FEW][]);
  /**
   * A thread's scratch arrays of {@link #forEachBlock} (y), kept between calls:
   * every entry read is written first in each use, and new arrays (10 MB of y a chunk of 256
   * queries, 0.8 MB a group) were 46 % of the bytes a Spark run allocated, each zeroed.
   */
  private final ThreadLocal<Scratch> chunkScratch = ThreadLocal.withInitial(Scratch::new);
  /** The same for a group (the calling thread scores groups too, while it holds its chunk's). */
  private final ThreadLocal<Scratch> groupScratch = ThreadLocal.withInitial(Scratch::new);
  /** The rows of C' as arrays of their own, for {@link #projectFew}; built on first use. */
  private final Lazy<float[][]> rows;

  /** @param components C [dim, features], row-major */
  FactoredPreselection(FactoredScores scores, float[] components, int dim) {
    this.scores = scores;
    this.dim = dim;
    NativeBlas.ready();
    float[] scaled = scores.projection(components);
    this.projection = Nd4j.create(scaled, new long[] {dim, scores.features}, 'c');
    this.rows = new Lazy<>(() -> Tensor.rows(scaled, scores.features));
  }

  @Override
  public void forEachBlock(float[] unit, double[] qNorms, BlockScores visit) {
    FactoredScores f = scores;
    int[] live = IntStream.range(0, qNorms.length).filter(i -> qNorms[i] > 0).toArray();
    int features = f.features;
    Scratch mine = chunkScratch.get();
    chunkScratch.remove(); // a call nested in this one (a fork-join join may run other work) gets arrays of its own
    try {
      for (int c = 0; c < live.length; c += CHUNK) {
        int m = Math.min(CHUNK, live.length - c);
        int chunk = c;
        if (m <= FEW && f.loneQueries()) {
          scoreEach(f, projectFew(unit, live, chunk, m), live, chunk, visit);
          continue;
        }
        float[] q = new float[m * dim];
        for (int i = 0; i < m; i++) {
          System.arraycopy(unit, live[c + i] * dim, q, i * dim, dim);
        }
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, features}, 'c');
        Nd4j.gemm(Nd4j.create(q, new long[] {m, dim}, 'c'), projection, y, false, false, 1.0, 0.0);
        int groups = (m + FactoredScores.LANES - 1) / FactoredScores.LANES;
        float[] ys = mine.ys(groups * FactoredScores.LANES * features);
        y.data().asNioFloat().get(ys, 0, m * features);
        // lanes without a query (the last group's) read zero rows, so scoreGroup copies every lane
        // alike: a branch for them, unseen while the JIT profiled it, cost a recompilation when taken
        Arrays.fill(ys, m * features, groups * FactoredScores.LANES * features, 0f);
        IntStream.range(0, groups).parallel().forEach(gi -> {
          int from = gi * FactoredScores.LANES;
          scoreGroup(f, ys, live, chunk + from, from, Math.min(FactoredScores.LANES, m - from), visit);
        });
      }
    } finally {
      chunkScratch.set(mine);
    }
  }

  /**
   * y = C'ᵀq of a few queries (unit rows {@code live[from...]}) with its pairs, one array each with
   * the zero {@link FactoredScores#scoreAll} reads at the end, in {@link FactoredScores#PARTS} ranges of
   * terms in parallel: the rows of C' added in order, which the bound allows as it does any GEMM's
   * order. For one query this costs about half ND4J's GEMM call (~0.7 against ~1.4 ms of CPU on
   * the full-size model), whose reading of the flat C' does not vectorize in Java. Four rows a pass
   * over y: a batch-1 decode ran 15 % faster than with one (AMD EPYC, AVX2), with eight slower.
   */
  private float[][] projectFew(float[] unit, int[] live, int from, int m) {
    float[][] c = rows.get();
    int features = scores.features;
    float[][] y = new float[m][scores.columns + 1];
    IntStream.range(0, FactoredScores.PARTS).parallel().forEach(part -> {
      int lo = FactoredScores.partStart(features, part);
      int hi = FactoredScores.partStart(features, part + 1);
      int d = 0;
      for (; d + 4 <= dim; d += 4) {
        float[] r0 = c[d];
        float[] r1 = c[d + 1];
        float[] r2 = c[d + 2];
        float[] r3 = c[d + 3];
        for (int i = 0; i < m; i++) {
          int q = live[from + i] * dim + d;
          float q0 = unit[q];
          float q1 = unit[q + 1];
          float q2 = unit[q + 2];
          float q3 = unit[q + 3];
          float[] yi = y[i];
          for (int j = lo; j < hi; j++) {
            yi[j] += q0 * r0[j] + q1 * r1[j] + q2 * r2[j] + q3 * r3[j];
          }
        }
      }
      for (; d < dim; d++) {
        float[] row = c[d];
        for (int i = 0; i < m; i++) {
          float qd = unit[live[from + i] * dim + d];
          float[] yi = y[i];
          for (int j = lo; j < hi; j++) {
            yi[j] += qd * row[j];
          }
        }
      }
    });
    for (float[] yi : y) {
      scores.addPairs(yi, 1);
    }
    return y;
  }

  /** A few queries (y rows are query numbers {@code live[liveFrom...]}), each alone, the parts of each in parallel. */
  private void scoreEach(FactoredScores f, float[][] y, int[] live, int liveFrom, BlockScores visit) {
    int m = y.length;
    float[][] all = loneScores.get();
    loneScores.remove(); // a call nested in this one (a fork-join join may run other work) gets arrays of its own
    try {
      for (int q = 0; q < m; q++) {
        if (all[q] == null) {
          all[q] = new float[f.vectors];
        }
      }
      IntStream.range(0, m * FactoredScores.PARTS).parallel().forEach(i -> {
        int q = i / FactoredScores.PARTS;
        f.scoreAll(y[q], i % FactoredScores.PARTS, all[q]);
      });
      float[] bounds = f.bounds();
      for (int q = 0; q < m; q++) {
        for (int start = 0; start < f.vectors; start += BLOCK) {
          visit.accept(live[liveFrom + q], all[q], start, Math.min(BLOCK, f.vectors - start), start, bounds);
        }
      }
    } finally {
      loneScores.set(all);
    }
  }

  /**
   * Up to {@link FactoredScores#LANES} queries from {@code ys} row {@code from} (query numbers
   * {@code live[liveFrom...]}) against every vector, block by block of the lane kernel's order:
   * each block's vectors that no lane wants are left out in the kernel, before any score is
   * copied or offered (the floors as they were when the block began, which only ever lie below
   * the current ones).
   */
  private void scoreGroup(FactoredScores f, float[] ys, int[] live, int liveFrom, int from, int lanes,
      BlockScores visit) {
    Scratch mine = groupScratch.get();
    groupScratch.remove();
    try {
      scoreGroup(f, ys, live, liveFrom, from, lanes, visit, mine);
    } finally {
      groupScratch.set(mine);
    }
  }

  private static void scoreGroup(FactoredScores f, float[] ys, int[] live, int liveFrom, int from, int lanes,
      BlockScores visit, Scratch mine) {
    int features = f.features;
    int block = Math.max(1, Math.min(BLOCK, f.vectors));
    float[] yg = mine.yg(f.columns * FactoredScores.LANES);
    for (int t = 0; t < FactoredScores.LANES; t++) { // lanes without a query copy zeros (forEachBlock)
      int src = (from + t) * features;
      for (int j = 0; j < features; j++) {
        yg[j * FactoredScores.LANES + t] = ys[src + j];
      }
    }
    f.addPairs(yg, FactoredScores.LANES);
    float[] floors = new float[FactoredScores.LANES];
    Arrays.fill(floors, Float.POSITIVE_INFINITY); // lanes without a query want nothing
    int[] vectors = mine.vectors(block);
    float[] scores = mine.scores(FactoredScores.LANES * block);
    float[] bounds = f.bounds();
    for (int start = 0; start < f.vectors; start += block) {
      int len = Math.min(block, f.vectors - start);
      for (int t = 0; t < lanes; t++) {
        floors[t] = visit.floor(live[liveFrom + t]);
      }
      int count = f.scoreListed(yg, start, len, floors, vectors, scores);
      for (int t = 0; t < lanes; t++) {
        visit.acceptListed(live[liveFrom + t], scores, t, FactoredScores.LANES, vectors, count, bounds);
      }
    }
  }

  /** One thread's reusable arrays, each grown to the largest size asked of it. */
  private static final class Scratch {
    private float[] ys = new float[0];
    private float[] yg = new float[0];
    private float[] scores = new float[0];
    private int[] vectors = new int[0];

    float[] ys(int n) {
      return ys.length >= n ? ys : (ys = new float[n]);
    }

    float[] yg(int n) {
      return yg.length >= n ? yg : (yg = new float[n]);
    }

    float[] scores(int n) {
      return scores.length >= n ? scores : (scores = new float[n]);
    }

    int[] vectors(int n) {
      return vectors.length >= n ? vectors : (vectors = new int[n]);
    }
  }

  @Override
  public String describe() {
    return "factored: " + scores.nonZeros() + " nonzeros (" + scores.pairs() + " term pairs merged), " + scores.wide()
        + " wide vectors, F = " + scores.features + ", " + scores.laneKernel().describe();
  }
}
