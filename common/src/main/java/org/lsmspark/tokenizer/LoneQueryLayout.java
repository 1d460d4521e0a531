package org.lsmspark.tokenizer;

import java.util.Arrays;

/**
 * {@link FactoredScores}' columns laid out for lone queries ({@link #score}), in ELLPACK blocks: the
 * vectors ordered by column count (then number), cut into blocks of {@link #WIDTH}; block k holds its
 * vectors' i-th columns at {@code [start[k] + WIDTH i, start[k] + WIDTH (i + 1))}, vector
 * {@code vector[WIDTH k + j]} in column j, its scale at {@code scales[WIDTH k + j]}. A column is a
 * {@code char}, so at most 65,536 columns ({@link FactoredScores#loneQueries()}). A vector shorter than
 * its block's longest is padded with column {@code padding} (the one after the last), whose y is 0:
 * adding +0 leaves its sum as it was, a sum that starts at +0 never being −0. Ordered by count, the
 * padding is a fraction of a per cent of the columns.
 */
final class LoneQueryLayout {
  static final int WIDTH = 16;
  private final int[] vector;
  private final float[] scales;
  private final int[] start;
  private final char[] terms;

  LoneQueryLayout(int[] rowStart, int[] rowTerms, float[] rowScales, int padding) {
    int n = rowStart.length - 1;
    vector = LaneKernel.orderByColumnCount(rowStart);
    scales = new float[n];
    for (int i = 0; i < n; i++) {
      scales[i] = rowScales[vector[i]];
    }
    int count = (n + WIDTH - 1) / WIDTH;
    start = new int[count + 1];
    for (int k = 0; k < count; k++) {
      int last = vector[Math.min(n, (k + 1) * WIDTH) - 1]; // the longest of the block
      start[k + 1] = start[k] + WIDTH * (rowStart[last + 1] - rowStart[last]);
    }
    terms = new char[start[count]];
    Arrays.fill(terms, (char) padding);
    for (int i = 0; i < n; i++) {
      int g = vector[i];
      int at = start[i / WIDTH] + i % WIDTH;
      for (int p = rowStart[g]; p < rowStart[g + 1]; p++, at += WIDTH) {
        terms[at] = (char) rowTerms[p];
      }
    }
  }

  /**
   * Scores of one query against the vectors of {@code part} (a quarter of the blocks; the parts
   * together hold every vector once), into {@code out} at the vectors' own numbers. {@code y} is
   * [columns + 1] with its pairs added, its last entry 0 (what the padding reads). Sixteen vectors at a time, each sum in a register of its own and y (88 KB on
   * the full-size models) read in place: no add waits on the one before, as in a row-by-row loop,
   * and nothing is written back per term, as in a by-term scatter (one thread, full-size
   * vocabulary, terms and weights: row by row ~4 ms a query, by term ~2.7, these blocks ~1.3). Each
   * sum is still the vector's columns in order times its scale: the defined score. The lane kernel
   * still wins from about 10 queries up.
   */
  void score(float[] y, int part, float[] out) {
    char[] ts = terms;
    float[] sc = scales;
    int[] vs = vector;
    int count = start.length - 1;
    int from = FactoredScores.partStart(count, part);
    int end = FactoredScores.partStart(count, part + 1);
    // full blocks only: a branch for the last one in this loop, never taken while the JIT profiles
    // it, made the compiled loop's hoisted checks fail on it and the loop compile four times
    int full = Math.min(end, vs.length / WIDTH);
    for (int k = from; k < full; k++) {
      float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
      float s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
      float s8 = 0f, s9 = 0f, s10 = 0f, s11 = 0f;
      float s12 = 0f, s13 = 0f, s14 = 0f, s15 = 0f;
      for (int p = start[k], stop = start[k + 1]; p < stop; p += WIDTH) {
        s0 += y[ts[p]];
        s1 += y[ts[p + 1]];
        s2 += y[ts[p + 2]];
        s3 += y[ts[p + 3]];
        s4 += y[ts[p + 4]];
        s5 += y[ts[p + 5]];
        s6 += y[ts[p + 6]];
        s7 += y[ts[p + 7]];
        s8 += y[ts[p + 8]];
        s9 += y[ts[p + 9]];
        s10 += y[ts[p + 10]];
        s11 += y[ts[p + 11]];
        s12 += y[ts[p + 12]];
        s13 += y[ts[p + 13]];
        s14 += y[ts[p + 14]];
        s15 += y[ts[p + 15]];
      }
      int v = k * WIDTH;
      out[vs[v]] = sc[v] * s0;
      out[vs[v + 1]] = sc[v + 1] * s1;
      out[vs[v + 2]] = sc[v + 2] * s2;
      out[vs[v + 3]] = sc[v + 3] * s3;
      out[vs[v + 4]] = sc[v + 4] * s4;
      out[vs[v + 5]] = sc[v + 5] * s5;
      out[vs[v + 6]] = sc[v + 6] * s6;
      out[vs[v + 7]] = sc[v + 7] * s7;
      out[vs[v + 8]] = sc[v + 8] * s8;
      out[vs[v + 9]] = sc[v + 9] * s9;
      out[vs[v + 10]] = sc[v + 10] * s10;
      out[vs[v + 11]] = sc[v + 11] * s11;
      out[vs[v + 12]] = sc[v + 12] * s12;
      out[vs[v + 13]] = sc[v + 13] * s13;
      out[vs[v + 14]] = sc[v + 14] * s14;
      out[vs[v + 15]] = sc[v + 15] * s15;
    }
    for (int k = Math.max(from, full); k < end; k++) { // the last block, not full: each sum in the same order
      for (int v = k * WIDTH; v < vs.length; v++) {
        float sum = 0f;
        for (int p = start[k] + v - k * WIDTH; p < start[k + 1]; p += WIDTH) {
          sum += y[ts[p]];
        }
        out[vs[v]] = sc[v] * sum;
      }
    }
  }
}
