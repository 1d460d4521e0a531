package org.lsmspark.tokenizer;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The rows of a row-major [size, dim] float matrix grouped by their exact bits ({@link
 * Float#floatToIntBits}, so −0 and 0 differ), zero rows apart, with every row's L2 norm. Groups
 * are numbered in the order of their first rows; their rows are listed in CSR form, ascending.
 *
 * <p>The norms and hashes are computed in parallel; the groups in one pass over an open-addressing
 * table of row numbers. A {@code HashMap} of boxed row keys did this with most of the tokenizer's
 * samples in a recording of a full-size model's load (166,468 rows, 124,528 groups): the map's
 * cache misses and allocations.
 */
final class RowGroups {
  /** Each row's L2 norm, in double. */
  final double[] norms;
  /** Each group's first row. */
  final int[] first;
  /** Group g's rows are {@code rows[start[g], start[g + 1])}. */
  final int[] start;
  final int[] rows;
  /** The rows whose values are all zero (±0), in no group. */
  final int[] zeroRows;

  private RowGroups(double[] norms, int[] first, int[] start, int[] rows, int[] zeroRows) {
    this.norms = norms;
    this.first = first;
    this.start = start;
    this.rows = rows;
    this.zeroRows = zeroRows;
  }

  int groups() {
    return first.length;
  }

  /**
   * Each pass is a method of its own: called once, a long loop is compiled on its back edge (OSR),
   * and with the CSR pass inlined into the grouping's compilation the load took 40 ms longer.
   */
  static RowGroups of(float[] values, int size, int dim) {
    double[] norms = new double[size];
    int[] hashes = new int[size];
    IntStream.range(0, size).parallel().forEach(r -> {
      int at = r * dim;
      int h = 1;
      for (int d = 0; d < dim; d++) {
        h = 31 * h + Float.floatToIntBits(values[at + d]);
      }
      norms[r] = VocabularyIndex.norm(values, at, dim);
      hashes[r] = h;
    });
    int[] group = new int[size];
    int[] counts = new int[size];
    int groups = group(values, dim, norms, hashes, group, counts);
    return csr(norms, group, counts, groups);
  }

  /** Numbers the groups into {@code group} (−1: a zero row), their sizes into {@code counts}; returns how many. */
  private static int group(float[] values, int dim, double[] norms, int[] hashes, int[] group, int[] counts) {
    int size = norms.length;
    int capacity = Integer.highestOneBit(Math.max(2, size) * 2 - 1) << 1; // a power of two, at least twice size
    int mask = capacity - 1;
    int shift = Integer.numberOfLeadingZeros(mask); // Fibonacci hashing: the product's top bits pick the slot
    int[] firstRow = new int[capacity]; // the first row of the group in a slot, −1: empty
    Arrays.fill(firstRow, -1);
    int groups = 0;
    for (int r = 0; r < size; r++) {
      if (norms[r] == 0) {
        group[r] = -1;
        continue;
      }
      int h = hashes[r];
      int slot = h * 0x9E3779B9 >>> shift;
      while (firstRow[slot] >= 0 && !(hashes[firstRow[slot]] == h && sameBits(values, firstRow[slot], r, dim))) {
        slot = (slot + 1) & mask;
      }
      if (firstRow[slot] < 0) {
        firstRow[slot] = r;
        group[r] = groups++;
      } else {
        group[r] = group[firstRow[slot]];
      }
      counts[group[r]]++;
    }
    return groups;
  }

  private static RowGroups csr(double[] norms, int[] group, int[] counts, int groups) {
    int size = group.length;
    int[] first = new int[groups];
    int[] start = new int[groups + 1];
    for (int g = 0; g < groups; g++) {
      start[g + 1] = start[g] + counts[g];
    }
    int[] rows = new int[start[groups]];
    int[] zeroRows = new int[size - start[groups]];
    int[] fill = Arrays.copyOf(start, groups);
    int z = 0;
    for (int r = 0; r < size; r++) {
      int g = group[r];
      if (g < 0) {
        zeroRows[z++] = r;
      } else {
        if (fill[g] == start[g]) {
          first[g] = r;
        }
        rows[fill[g]++] = r;
      }
    }
    return new RowGroups(norms, first, start, rows, zeroRows);
  }

  private static boolean sameBits(float[] values, int a, int b, int dim) {
    for (int d = 0, i = a * dim, j = b * dim; d < dim; d++, i++, j++) {
      if (Float.floatToIntBits(values[i]) != Float.floatToIntBits(values[j])) {
        return false;
      }
    }
    return true;
  }
}
