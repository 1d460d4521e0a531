package org.lsmspark.tokenizer;

import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * Pairs of terms that many vocabulary vectors share, merged into columns of their own (byte-pair
 * encoding over the vectors' term lists): column {@code F + p} stands for {@code left[p] +
 * right[p]}, either of which may be an earlier pair. A query's y gets each pair's sum once ({@link
 * #addPairs}), and every vector holding both lists the pair instead: fewer terms to add per vector
 * and query. On the full-size SGD vocabulary 12,000 pairs leave 645,000 of 1.12 M terms, built in
 * ~0.6 s (six rounds and every pair counted: 597,000 in ~1.2 s). How many depends on how much the
 * vocabulary repeats itself, never the scores' bound, which counts a vector's original terms (a
 * sum of n numbers in any bracketing errs by at most γ_{n−1}).
 *
 * <p>Greedy and deterministic: each of {@link #ROUNDS} rounds counts the pairs within the vectors
 * of at most {@link #COUNTED_TERMS} entries (every k-th vector, so that at most {@link
 * #COUNTED_PAIRS} are counted), takes the {@link #PER_ROUND} most frequent (ties by pair) seen at
 * least {@link #MIN_COUNT} times, and rewrites each vector by taking its pairs in that order, each
 * entry in at most one pair. Rows stay in ascending column order.
 */
final class TermPairs {
  static final int ROUNDS = 4;
  static final int PER_ROUND = 3000;
  /** A pair adds a column to every query's y: it must save at least this many terms a query (in the count). */
  static final int MIN_COUNT = 4;
  /** Longer vectors (rare) apply pairs but are not counted: their pairs grow as the square. */
  static final int COUNTED_TERMS = 32;
  /** Pairs counted a round, at most (a sample of the vectors beyond). */
  static final int COUNTED_PAIRS = 1 << 18;
  /** Longer vectors are left as they are. */
  private static final int REWRITTEN_TERMS = 256;

  final int[] rowStart;
  final int[] columns;
  final int[] left;
  final int[] right;

  private TermPairs(int[] rowStart, int[] columns, int[] left, int[] right) {
    this.rowStart = rowStart;
    this.columns = columns;
    this.left = left;
    this.right = right;
  }

  /**
   * Pairs as {@link #merge} made them (read back from {@link IndexCache}), checked: rows ascending
   * within {@code [0, features + pairs)}, each pair made of columns before it.
   */
  static TermPairs of(int[] rowStart, int[] columns, int[] left, int[] right, int features) {
    int all = features + left.length;
    if (rowStart.length == 0 || rowStart[0] != 0 || rowStart[rowStart.length - 1] != columns.length
        || left.length != right.length) {
      throw new IllegalArgumentException("term pairs: inconsistent sizes");
    }
    for (int g = 0; g + 1 < rowStart.length; g++) {
      if (rowStart[g + 1] < rowStart[g]) {
        throw new IllegalArgumentException("term pairs: row " + g + " ends before it starts");
      }
      for (int i = rowStart[g]; i < rowStart[g + 1]; i++) {
        if (columns[i] < 0 || columns[i] >= all || i > rowStart[g] && columns[i] < columns[i - 1]) {
          throw new IllegalArgumentException("term pairs: row " + g + " lists column " + columns[i]);
        }
      }
    }
    for (int p = 0; p < left.length; p++) {
      if (left[p] < 0 || right[p] < 0 || left[p] >= features + p || right[p] >= features + p) {
        throw new IllegalArgumentException("term pairs: pair " + p + " is not made of earlier columns");
      }
    }
    return new TermPairs(rowStart, columns, left, right);
  }

  /**
   * Merges pairs of the CSR rows {@code (rowStart, terms)}, terms ascending within a row, into at
   * most {@code maxPairs} columns numbered from {@code features}.
   */
  static TermPairs merge(int[] rowStart, int[] terms, int features, int maxPairs) {
    int[] start = rowStart;
    int[] cols = terms;
    int[] left = new int[0];
    int[] right = new int[0];
    for (int round = 0; round < ROUNDS && left.length < maxPairs; round++) {
      long[] chosen = mostFrequent(start, cols, Math.min(PER_ROUND, maxPairs - left.length));
      if (chosen.length == 0) {
        break;
      }
      int first = features + left.length;
      left = Arrays.copyOf(left, left.length + chosen.length);
      right = Arrays.copyOf(right, right.length + chosen.length);
      long[] sortedKeys = chosen.clone();
      Arrays.sort(sortedKeys);
      int[] rankOf = new int[chosen.length]; // sortedKeys[i] is chosen[rankOf[i]]
      BitSet lefts = new BitSet(); // read-only once built: the rows are rewritten in parallel
      for (int i = 0; i < chosen.length; i++) {
        left[first - features + i] = (int) (chosen[i] >>> 32);
        right[first - features + i] = (int) chosen[i];
        rankOf[Arrays.binarySearch(sortedKeys, chosen[i])] = i;
        lefts.set(left[first - features + i]);
      }
      int[] from = start;
      int[] in = cols;
      int[][] rows = IntStream.range(0, start.length - 1).parallel()
          .mapToObj(g -> rewrite(in, from[g], from[g + 1], sortedKeys, rankOf, lefts, first)).toArray(int[][]::new);
      int total = 0;
      for (int[] row : rows) {
        total += row.length;
      }
      int[] nextStart = new int[rows.length + 1];
      int[] next = new int[total];
      for (int g = 0; g < rows.length; g++) {
        System.arraycopy(rows[g], 0, next, nextStart[g], rows[g].length);
        nextStart[g + 1] = nextStart[g] + rows[g].length;
      }
      start = nextStart;
      cols = next;
    }
    return new TermPairs(start, cols, left, right);
  }

  /**
   * The {@code limit} most frequent pairs (a &lt;&lt; 32 | b, a ≤ b), most frequent first, ties by
   * pair, counted over every {@code step}-th vector, the step chosen to count at most {@link
   * #COUNTED_PAIRS} pairs: frequent pairs stay frequent in a sample, at a fraction of the sorting.
   */
  private static long[] mostFrequent(int[] start, int[] cols, int limit) {
    int rows = start.length - 1;
    long all = 0;
    for (int g = 0; g < rows; g++) {
      all += pairsOf(start[g + 1] - start[g]);
    }
    int step = (int) Math.max(1, (all + COUNTED_PAIRS - 1) / COUNTED_PAIRS);
    int[] at = new int[(rows + step - 1) / step + 1];
    for (int s = 0; s + 1 < at.length; s++) {
      int g = s * step;
      at[s + 1] = at[s] + pairsOf(start[g + 1] - start[g]);
    }
    long[] keys = new long[at[at.length - 1]];
    IntStream.range(0, at.length - 1).parallel().forEach(s -> {
      int g = s * step;
      int k = at[s];
      if (start[g + 1] - start[g] <= COUNTED_TERMS) {
        for (int i = start[g]; i < start[g + 1]; i++) {
          for (int j = i + 1; j < start[g + 1]; j++) {
            keys[k++] = (long) cols[i] << 32 | cols[j];
          }
        }
      }
    });
    Arrays.parallelSort(keys);
    int minCount = Math.max(2, MIN_COUNT / step);
    // runs of equal keys, ranked by (count descending, pair ascending): count in the high bits
    long[] ranked = new long[keys.length];
    int[] runAt = new int[keys.length];
    int runs = 0;
    for (int i = 0; i < keys.length; ) {
      int j = i;
      while (j < keys.length && keys[j] == keys[i]) {
        j++;
      }
      if (j - i >= minCount) {
        runAt[runs] = i;
        ranked[runs] = (long) (Integer.MAX_VALUE - (j - i)) << 32 | runs;
        runs++;
      }
      i = j;
    }
    long[] top = Arrays.copyOf(ranked, runs);
    Arrays.parallelSort(top);
    long[] chosen = new long[Math.min(limit, runs)];
    for (int i = 0; i < chosen.length; i++) {
      chosen[i] = keys[runAt[(int) top[i]]];
    }
    return chosen;
  }

  /** The pairs a vector of {@code len} entries counts. */
  private static int pairsOf(int len) {
    return len <= COUNTED_TERMS ? len * (len - 1) / 2 : 0;
  }

  /** Row {@code [from, to)} of {@code cols} with its chosen pairs (best rank first) replaced by their columns. */
  private static int[] rewrite(int[] cols, int from, int to, long[] sortedKeys, int[] rankOf, BitSet lefts,
      int first) {
    int len = to - from;
    if (len < 2 || len > REWRITTEN_TERMS) {
      return Arrays.copyOfRange(cols, from, to);
    }
    long[] found = new long[len * (len - 1) / 2]; // rank << 32 | i << 16 | j
    int f = 0;
    for (int i = 0; i < len; i++) {
      if (!lefts.get(cols[from + i])) {
        continue;
      }
      for (int j = i + 1; j < len; j++) {
        int at = Arrays.binarySearch(sortedKeys, (long) cols[from + i] << 32 | cols[from + j]);
        if (at >= 0) {
          found[f++] = (long) rankOf[at] << 32 | (long) i << 16 | j;
        }
      }
    }
    if (f == 0) {
      return Arrays.copyOfRange(cols, from, to);
    }
    Arrays.sort(found, 0, f);
    boolean[] used = new boolean[len];
    int[] out = new int[len];
    int n = 0;
    for (int p = 0; p < f; p++) {
      int i = (int) (found[p] >>> 16) & 0xFFFF;
      int j = (int) found[p] & 0xFFFF;
      if (!used[i] && !used[j]) {
        used[i] = true;
        used[j] = true;
        out[n++] = first + (int) (found[p] >>> 32);
      }
    }
    for (int i = 0; i < len; i++) {
      if (!used[i]) {
        out[n++] = cols[from + i];
      }
    }
    out = Arrays.copyOf(out, n);
    Arrays.sort(out);
    return out;
  }

  int pairs() {
    return left.length;
  }

  /**
   * Fills the pair columns of {@code y}, laid out [columns][width]: column F + p is the float sum
   * of its left and right columns, lane by lane, in pair order (a pair's parts come before it).
   */
  void addPairs(float[] y, int features, int width) {
    if (width == 1) { // a lone query's: the general loop cost 4 times as much (~11 against ~2.7 ns a pair)
      for (int p = 0; p < left.length; p++) {
        y[features + p] = y[left[p]] + y[right[p]];
      }
      return;
    }
    for (int p = 0; p < left.length; p++) {
      int to = (features + p) * width;
      int a = left[p] * width;
      int b = right[p] * width;
      for (int t = 0; t < width; t++) {
        y[to + t] = y[a + t] + y[b + t];
      }
    }
  }
}
