package org.lsmspark.tokenizer;

import java.util.Arrays;

/**
 * Keeps every row whose GEMM score is within {@link VocabularyIndex#MARGIN} of the running k-th
 * best (a min-heap of the k best scores); the list is compacted as the k-th best rises.
 *
 * <p>With per-row bounds ({@link #offer(float[], int, int, int, float[])}), a score s with bound b
 * stands for an exact value in [s − b, s + b]: the heap holds the k best lower ends (so its
 * minimum never exceeds the k-th best exact value) and a row is kept while its upper end reaches
 * the floor; the kept score is the upper end.
 */
final class TopKSelector {
  /** Scores tested together before any is looked at alone. */
  private static final int SCAN = 16;

  private final int k;
  private final float[] heap;
  private int heapSize;
  /** The kept candidates: distinct-vector numbers and their GEMM scores. */
  private int[] rows = new int[64];
  private float[] scores = new float[64];
  private int count;

  TopKSelector(int k) {
    this.k = k;
    this.heap = new float[k];
  }

  /** Candidates kept so far; those scoring below {@link #floor()} may be among them. */
  int count() {
    return count;
  }

  int row(int c) {
    return rows[c];
  }

  float score(int c) {
    return scores[c];
  }

  float floor() {
    return heapSize < k ? Float.NEGATIVE_INFINITY : heap[0] - VocabularyIndex.MARGIN;
  }

  void offer(float[] block, int from, int len, int firstRow) {
    float floor = floor();
    int j = 0;
    // once the heap is full almost every score is below the floor: test 16 at a time, and look
    // at single scores only in a group that reaches the floor. The test ORs independent
    // comparisons: a Math.max chain (NaN and signed-zero rules make each step several
    // instructions) waited on every step and cost a tenth of the decode.
    for (; j + SCAN <= len; j += SCAN) {
      int base = from + j;
      boolean reaches = false;
      for (int t = 0; t < SCAN; t++) {
        reaches |= block[base + t] >= floor;
      }
      if (reaches) {
        floor = offerEach(block, base, SCAN, firstRow + j, floor);
      }
    }
    offerEach(block, from + j, len - j, firstRow + j, floor);
    if (count > 4 * k + 1024) {
      compact();
    }
  }

  /**
   * Offers scores whose row {@code firstRow + j} is within {@code bounds[firstRow + j]} of its
   * exact value, as the class comment describes.
   */
  void offer(float[] block, int from, int len, int firstRow, float[] bounds) {
    float floor = floor();
    int j = 0;
    for (; j + SCAN <= len; j += SCAN) {
      int base = from + j;
      int row = firstRow + j;
      boolean reaches = false;
      for (int t = 0; t < SCAN; t++) {
        reaches |= block[base + t] + bounds[row + t] >= floor;
      }
      if (reaches) {
        floor = offerEachBounded(block, base, SCAN, row, bounds, floor);
      }
    }
    offerEachBounded(block, from + j, len - j, firstRow + j, bounds, floor);
    if (count > 4 * k + 1024) {
      compact();
    }
  }

  /**
   * Offers the listed rows' bounded scores, row {@code rows[j]}'s at {@code scores[offset + j * stride]}
   * (bounds indexed by row), as {@link #offer(float[], int, int, int, float[])} does: rows left out
   * must be ones that offer would skip (their upper end below the floor).
   */
  void offerListed(float[] scores, int offset, int stride, int[] rows, int count, float[] bounds) {
    float floor = floor();
    for (int j = 0; j < count; j++) {
      int row = rows[j];
      floor = offerBounded(row, scores[offset + j * stride], bounds[row], floor);
    }
    if (this.count > 4 * k + 1024) {
      compact();
    }
  }

  private float offerEachBounded(float[] block, int from, int len, int firstRow, float[] bounds, float floor) {
    for (int j = 0; j < len; j++) {
      floor = offerBounded(firstRow + j, block[from + j], bounds[firstRow + j], floor);
    }
    return floor;
  }

  /** Offers one score {@code s} with bound {@code b}; returns the new floor. */
  private float offerBounded(int row, float s, float b, float floor) {
    float hi = s + b;
    if (hi < floor) {
      return floor;
    }
    add(row, hi);
    float lo = s - b;
    if (heapSize < k) {
      push(lo);
      return floor();
    } else if (lo > heap[0]) {
      heap[0] = lo;
      siftDown();
      return floor();
    }
    return floor;
  }

  /** Offers {@code block[from, from + len)} (rows from {@code firstRow}) one by one; returns the new floor. */
  private float offerEach(float[] block, int from, int len, int firstRow, float floor) {
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
    return floor;
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
