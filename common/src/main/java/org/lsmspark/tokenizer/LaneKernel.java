package org.lsmspark.tokenizer;

import java.lang.invoke.MethodHandles;
import org.lsmspark.simd.VectorApi;

/**
 * The lane kernel of {@link FactoredScores}: for {@link FactoredScores#LANES} queries at once, each
 * vector's sum of y over its columns, in the columns' order, times its scale; vectors no lane wants
 * are left out before their scores go anywhere. Two implementations
 * give the same floats: {@link ScalarLaneKernel} (16 sums in local variables) and
 * {@link VectorLaneKernel} (the JDK's incubating Vector API, one 512-bit or two 256-bit vectors of
 * sums), which the JVM offers only when started with {@code --add-modules=jdk.incubator.vector}.
 * {@link #best} takes the vector kernel whenever the JVM can run it ({@link VectorApi}): 13 % more windows a second
 * end to end on the full-size v1 model (docs/BENCHMARKS.md, session 11).
 */
abstract class LaneKernel {
  /** The vector at each position of the kernel's order: the vectors by column count, then by number. */
  final int[] order;
  /** Position i's columns: CSR over {@code terms}; its scale and bound. */
  final int[] rowStart;
  final int[] terms;
  final float[] scales;
  final float[] bounds;

  LaneKernel(Layout layout) {
    this.order = layout.order();
    this.rowStart = layout.rowStart();
    this.terms = layout.terms();
    this.scales = layout.scales();
    this.bounds = layout.bounds();
  }

  /** The order and arrays this kernel runs over (another kernel can share them). */
  Layout layout() {
    return new Layout(order, rowStart, terms, scales, bounds);
  }

  /** What a kernel reads, by position of its order: see the fields of the same names. */
  record Layout(int[] order, int[] rowStart, int[] terms, float[] scales, float[] bounds) {
    /**
     * The vectors' columns, scales and bounds reordered so that vectors of equal column count are
     * neighbours: the loop over a vector's columns then runs the same number of times as the last
     * one's, and the branch that ends it is predicted (10 % more windows a second end to end, v1
     * full-size, batch 256; docs/BENCHMARKS.md, session 11). The order changes which vectors a
     * block holds, not a score, nor a result (the selector keeps the same candidates in any
     * order). {@code rowStart} and {@code terms} hold each vector's columns (CSR, by vector number).
     */
    static Layout byColumnCount(int[] rowStart, int[] terms, float[] scales, float[] bounds) {
      int n = scales.length;
      int[] order = orderByColumnCount(rowStart);
      int[] starts = new int[n + 1];
      int[] columns = new int[terms.length];
      float[] sc = new float[n];
      float[] bo = new float[n];
      for (int i = 0; i < n; i++) {
        int g = order[i];
        int len = rowStart[g + 1] - rowStart[g];
        System.arraycopy(terms, rowStart[g], columns, starts[i], len);
        starts[i + 1] = starts[i] + len;
        sc[i] = scales[g];
        bo[i] = bounds[g];
      }
      return new Layout(order, starts, columns, sc, bo);
    }
  }

  /**
   * The vector numbers (CSR rows of {@code rowStart}) by column count, then number: a counting sort
   * (a general sort of the full-size models' 124,528 vectors ran interpreted in the load, ~30 ms).
   */
  static int[] orderByColumnCount(int[] rowStart) {
    int n = rowStart.length - 1;
    int most = 0;
    for (int g = 0; g < n; g++) {
      most = Math.max(most, rowStart[g + 1] - rowStart[g]);
    }
    int[] next = new int[most + 2];
    for (int g = 0; g < n; g++) {
      next[rowStart[g + 1] - rowStart[g] + 1]++;
    }
    for (int c = 1; c < next.length; c++) {
      next[c] += next[c - 1];
    }
    int[] order = new int[n];
    for (int g = 0; g < n; g++) {
      order[next[rowStart[g + 1] - rowStart[g]]++] = g;
    }
    return order;
  }

  /**
   * Scores of the {@link FactoredScores#LANES} queries of {@code y} ([columns][LANES], lanes
   * without a query zero) against the vectors at positions {@code [first, first + len)} of
   * {@link #order}, listed: the vector at position i is listed (its number in {@code vectors}, in
   * position order, its 16 scores at {@code scores[j * LANES, j * LANES + LANES)}) unless every
   * lane's upper end {@code score + bound} lies below that lane's {@code floors[t]} (+∞ for a lane
   * without a query; with every floor −∞ all are listed). Returns how many are listed;
   * {@code vectors} holds {@code len}, {@code scores} LANES × len.
   */
  abstract int scoreListed(float[] y, int first, int len, float[] floors, int[] vectors, float[] scores);

  /**
   * Fills the pair columns of {@code y} ([columns][LANES]), as {@link TermPairs#addPairs} defines
   * them: each lane's float sum of the pair's two columns, in pair order.
   */
  void addPairs(float[] y, TermPairs pairs, int features) {
    pairs.addPairs(y, features, FactoredScores.LANES);
  }

  /** For the preselection's log line. */
  abstract String describe();

  /** The vector kernel when this JVM runs one (256-bit vectors or wider), else the scalar one. */
  static LaneKernel best(int[] rowStart, int[] terms, float[] scales, float[] bounds) {
    int bits = VectorApi.bits();
    Layout layout = Layout.byColumnCount(rowStart, terms, scales, bounds);
    return bits >= 256 ? vector(layout, bits >= 512) : new ScalarLaneKernel(layout, VectorApi.scalarReason(256));
  }

  /**
   * The vector kernel over {@code layout}'s order, one 512-bit vector of sums ({@code wide}) or two
   * 256-bit ones; only callable when {@link VectorApi#bits} is not 0.
   */
  static LaneKernel vector(Layout layout, boolean wide) {
    return VectorApi.construct(MethodHandles.lookup(), LaneKernel.class, "org.lsmspark.tokenizer.VectorLaneKernel",
        new Class<?>[] {Layout.class, boolean.class}, layout, wide);
  }
}
