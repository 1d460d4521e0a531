package org.lsmspark.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact top-k cosine search over the vocabulary embeddings. A float32 GEMM per vocabulary block
 * only preselects candidates; every candidate is then rescored in double in plain Java, so the
 * result depends neither on the batch size nor on how BLAS blocks or threads the product, and
 * turns with identical embeddings tie exactly (broken by index).
 */
final class VocabularyIndex {
  /** One ranked vocabulary row. */
  record Hit(int index, double score) {}

  static final int DEFAULT_BLOCK_ROWS = 8192;
  /** Candidates are kept down to this below the k-th best GEMM score; float32 cosine errors are ~1e-6. */
  static final float MARGIN = 1e-4f;

  private final float[] values;
  private final int size;
  private final int dim;
  private final int blockRows;
  private final double[] norms;
  /** Built on first decode: ND4J's start-up costs seconds and encode-only users never need it. */
  private volatile List<INDArray> blocks;

  VocabularyIndex(float[] values, int size, int dim) {
    this(values, size, dim, DEFAULT_BLOCK_ROWS);
  }

  VocabularyIndex(float[] values, int size, int dim, int blockRows) {
    this.values = values;
    this.size = size;
    this.dim = dim;
    this.blockRows = Math.min(blockRows, size);
    this.norms = new double[size];
    for (int r = 0; r < size; r++) {
      norms[r] = norm(values, r * dim, dim);
    }
  }

  /** For each query its top {@code k} (1 ≤ k ≤ size) rows by cosine similarity, ties by index. */
  Hit[][] topK(float[][] queries, int k) {
    int n = queries.length;
    double[] qNorms = new double[n];
    float[] unit = new float[n * dim];
    Selector[] selectors = new Selector[n];
    boolean anyNonZero = false;
    for (int i = 0; i < n; i++) {
      qNorms[i] = norm(queries[i], 0, dim);
      if (qNorms[i] > 0) {
        for (int d = 0; d < dim; d++) {
          unit[i * dim + d] = (float) (queries[i][d] / qNorms[i]);
        }
        selectors[i] = new Selector(k);
        anyNonZero = true;
      }
    }
    if (anyNonZero) {
      preselect(unit, n, selectors);
    }
    Hit[][] result = new Hit[n][];
    for (int i = 0; i < n; i++) {
      result[i] = selectors[i] == null ? firstRows(k) : rescore(queries[i], qNorms[i], selectors[i], k);
    }
    return result;
  }

  private void preselect(float[] unit, int n, Selector[] selectors) {
    INDArray q = Nd4j.create(unit, new long[] {n, dim}, 'c');
    float[] scores = new float[n * blockRows];
    INDArray buffer = null;
    int start = 0;
    for (INDArray block : blocks()) {
      int rows = (int) block.rows();
      if (buffer == null || buffer.columns() != rows) {
        buffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, rows}, 'c');
      }
      Nd4j.gemm(q, block, buffer, false, true, 1.0, 0.0);
      buffer.data().asNioFloat().get(scores, 0, n * rows);
      for (int i = 0; i < n; i++) {
        if (selectors[i] != null) {
          selectors[i].offer(scores, i * rows, rows, start);
        }
      }
      start += rows;
    }
  }

  private List<INDArray> blocks() {
    List<INDArray> b = blocks;
    if (b == null) {
      synchronized (this) {
        b = blocks;
        if (b == null) {
          b = buildBlocks();
          blocks = b;
        }
      }
    }
    return b;
  }

  private List<INDArray> buildBlocks() {
    List<INDArray> list = new ArrayList<>();
    for (int start = 0; start < size; start += blockRows) {
      int rows = Math.min(blockRows, size - start);
      float[] unit = new float[rows * dim];
      for (int r = 0; r < rows; r++) {
        double nrm = norms[start + r];
        if (nrm > 0) {
          int src = (start + r) * dim;
          for (int d = 0; d < dim; d++) {
            unit[r * dim + d] = (float) (values[src + d] / nrm);
          }
        }
      }
      list.add(Nd4j.create(unit, new long[] {rows, dim}, 'c'));
    }
    return List.copyOf(list);
  }

  /** A zero query has similarity 0 with every row, so the first k rows win the tie. */
  private static Hit[] firstRows(int k) {
    Hit[] hits = new Hit[k];
    for (int i = 0; i < k; i++) {
      hits[i] = new Hit(i, 0.0);
    }
    return hits;
  }

  private Hit[] rescore(float[] query, double qNorm, Selector s, int k) {
    float floor = s.floor();
    List<Hit> hits = new ArrayList<>();
    for (int c = 0; c < s.count; c++) {
      if (s.scores[c] >= floor) {
        int row = s.rows[c];
        hits.add(new Hit(row, cosine(query, qNorm, row)));
      }
    }
    // ranked by the float32 score callers report, ties by index: two different doubles that round
    // to the same float must not come out in reverse index order
    hits.sort((a, b) -> {
      int c = Float.compare((float) b.score(), (float) a.score());
      return c != 0 ? c : Integer.compare(a.index(), b.index());
    });
    return hits.subList(0, k).toArray(new Hit[0]);
  }

  private double cosine(float[] query, double qNorm, int row) {
    double vNorm = norms[row];
    if (vNorm == 0) {
      return 0.0;
    }
    int base = row * dim;
    double dot = 0;
    for (int d = 0; d < dim; d++) {
      dot += (double) query[d] * values[base + d];
    }
    return dot / (qNorm * vNorm);
  }

  private static double norm(float[] v, int offset, int len) {
    double s = 0;
    for (int d = 0; d < len; d++) {
      double x = v[offset + d];
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /**
   * Keeps every row whose GEMM score is within {@link #MARGIN} of the running k-th best (a min-heap
   * of the k best scores); the list is compacted as the k-th best rises.
   */
  private static final class Selector {
    private final int k;
    private final float[] heap;
    private int heapSize;
    private int[] rows = new int[64];
    private float[] scores = new float[64];
    private int count;

    Selector(int k) {
      this.k = k;
      this.heap = new float[k];
    }

    float floor() {
      return heapSize < k ? Float.NEGATIVE_INFINITY : heap[0] - MARGIN;
    }

    void offer(float[] block, int from, int len, int firstRow) {
      float floor = floor();
      for (int j = 0; j < len; j++) {
        float x = block[from + j];
        if (x < floor) {
          continue;
        }
        add(firstRow + j, x);
        if (heapSize < k) {
          push(x);
          floor = floor();
        } else if (x > heap[0]) {
          heap[0] = x;
          siftDown();
          floor = floor();
        }
      }
      if (count > 4 * k + 1024) {
        compact();
      }
    }

    private void add(int row, float score) {
      if (count == rows.length) {
        rows = Arrays.copyOf(rows, count * 2);
        scores = Arrays.copyOf(scores, count * 2);
      }
      rows[count] = row;
      scores[count] = score;
      count++;
    }

    private void compact() {
      float floor = floor();
      int m = 0;
      for (int c = 0; c < count; c++) {
        if (scores[c] >= floor) {
          rows[m] = rows[c];
          scores[m] = scores[c];
          m++;
        }
      }
      count = m;
    }

    private void push(float x) {
      int i = heapSize++;
      heap[i] = x;
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (heap[parent] <= heap[i]) {
          break;
        }
        float t = heap[parent];
        heap[parent] = heap[i];
        heap[i] = t;
        i = parent;
      }
    }

    private void siftDown() {
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        if (l >= heapSize) {
          return;
        }
        int m = l + 1 < heapSize && heap[l + 1] < heap[l] ? l + 1 : l;
        if (heap[i] <= heap[m]) {
          return;
        }
        float t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
      }
    }
  }
}
