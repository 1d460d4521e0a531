package org.lsmspark.tokenizer;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dense preselection: the distinct nonzero vectors scaled to unit length in float32 blocks of
 * at most {@code blockRows}, and one ND4J GEMM per block for the whole batch. Each score is within
 * a float32 GEMM's error (~1e-6) of the cosine, whatever BLAS's blocking or threads.
 */
final class DensePreselection implements Preselection {
  private final int dim;
  private final List<INDArray> blocks;

  /**
   * @param values the vocabulary embeddings, row-major [rows, dim]
   * @param norms their L2 norms
   * @param vectorRow a representative row of each distinct vector
   */
  DensePreselection(float[] values, double[] norms, int[] vectorRow, int dim, int blockRows) {
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
  }

  /** One GEMM per block of distinct vectors for all nonzero queries; {@code visit} sees each query's scores. */
  @Override
  public void forEachBlock(float[] unit, double[] qNorms, BlockScores visit) {
    int n = qNorms.length;
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
      for (int i = 0; i < n; i++) {
        if (qNorms[i] > 0) {
          visit.accept(i, scores, i * rows, rows, start, null);
        }
      }
      start += rows;
    }
  }

  @Override
  public String describe() {
    return "dense";
  }
}
