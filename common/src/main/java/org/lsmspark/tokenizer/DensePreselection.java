package org.lsmspark.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dense preselection: the distinct nonzero vectors scaled to unit length in float32 blocks of
 * at most {@code blockRows}, and one ND4J GEMM per block for the whole batch. Each score is within
 * a float32 GEMM's error (~1e-6) of the cosine, whatever BLAS's blocking or threads.
 *
 * <p>A chunk of at most {@link #FEW} nonzero queries (batch 1, a batch's last few) is scored in
 * Java instead, from a copy of the blocks column by column that C2 vectorizes, the blocks in
 * parallel; the GEMM's call costs more than its work at that size (10,000 turns of the full-size
 * model, batch 1: 1,279 against 4,434 decodes/s with the factored path's Java loops, JMH, 2 threads).
 * Its sums run over the dimensions in order, one of the orders a GEMM may take, so the same
 * margin covers them.
 */
final class DensePreselection implements Preselection {
  /** Most values the Java path copies (the vectors once more, column by column): 64 MB. */
  static final long MAX_COLUMN_VALUES = 16L << 20;

  private final int dim;
  private final List<INDArray> blocks;
  private final boolean fewInJava;
  /** Per block, per dimension, that coordinate of the block's unit vectors; built on first use. */
  private final Lazy<float[][][]> columns;

  /**
   * @param values the vocabulary embeddings, row-major [rows, dim]
   * @param norms their L2 norms
   * @param vectorRow a representative row of each distinct vector
   */
  DensePreselection(float[] values, double[] norms, int[] vectorRow, int dim, int blockRows) {
    NativeBlas.ready();
    this.dim = dim;
    List<INDArray> list = new ArrayList<>();
    int unique = vectorRow.length;
    for (int start = 0; start < unique; start += blockRows) {
      int rows = Math.min(blockRows, unique - start);
      float[] unit = new float[rows * dim];
      for (int r = 0; r < rows; r++) {
        int row = vectorRow[start + r];
        double nrm = norms[row];
        if (nrm > 0) {
          int src = row * dim;
          for (int d = 0; d < dim; d++) {
            unit[r * dim + d] = (float) (values[src + d] / nrm);
          }
        }
      }
      list.add(Nd4j.create(unit, new long[] {rows, dim}, 'c'));
    }
    this.blocks = List.copyOf(list);
    this.fewInJava = (long) unique * dim <= MAX_COLUMN_VALUES;
    this.columns = new Lazy<>(() -> {
      float[][][] c = new float[blocks.size()][][];
      for (int b = 0; b < c.length; b++) {
        float[] unit = blocks.get(b).data().asFloat();
        int rows = unit.length / dim;
        c[b] = new float[dim][rows];
        for (int r = 0; r < rows; r++) {
          for (int d = 0; d < dim; d++) {
            c[b][d][r] = unit[r * dim + d];
          }
        }
      }
      return c;
    });
  }

  /** One GEMM per block of distinct vectors for all nonzero queries (a few: {@link #scoreFew}); {@code visit} sees each query's scores. */
  @Override
  public void forEachBlock(float[] unit, double[] qNorms, BlockScores visit) {
    int n = qNorms.length;
    int[] live = IntStream.range(0, n).filter(i -> qNorms[i] > 0).toArray();
    if (live.length <= FEW && fewInJava) {
      scoreFew(unit, live, visit);
      return;
    }
    INDArray q = Nd4j.create(unit, new long[] {n, dim}, 'c');
    int maxRows = blocks.isEmpty() ? 0 : (int) blocks.get(0).rows();
    float[] scores = new float[n * maxRows];
    INDArray buffer = null;
    int start = 0;
    for (INDArray block : blocks) {
      int rows = (int) block.rows();
      if (buffer == null || buffer.columns() != rows) {
        buffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, rows}, 'c');
      }
      Nd4j.gemm(q, block, buffer, false, true, 1.0, 0.0);
      buffer.data().asNioFloat().get(scores, 0, n * rows);
      int first = start;
      // the queries' offers on the decode's threads; the next block waits for all of them
      IntStream.of(live).parallel().forEach(i -> visit.accept(i, scores, i * rows, rows, first, null));
      start += rows;
    }
  }

  /** A few queries' scores, each block of each query in parallel, then visited query by query. */
  private void scoreFew(float[] unit, int[] live, BlockScores visit) {
    float[][][] c = columns.get();
    float[][][] scores = new float[live.length][c.length][];
    IntStream.range(0, live.length * c.length).parallel().forEach(i -> {
      int q = i / c.length;
      float[][] col = c[i % c.length];
      float[] s = new float[col[0].length];
      int at = live[q] * dim;
      for (int d = 0; d < dim; d++) {
        float qd = unit[at + d];
        float[] cd = col[d];
        for (int r = 0; r < s.length; r++) {
          s[r] += qd * cd[r];
        }
      }
      scores[q][i % c.length] = s;
    });
    for (int q = 0; q < live.length; q++) {
      int start = 0;
      for (float[] s : scores[q]) {
        visit.accept(live[q], s, 0, s.length, start, null);
        start += s.length;
      }
    }
  }

  @Override
  public String describe() {
    return "dense";
  }
}
