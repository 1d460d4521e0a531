package org.lsmspark.tokenizer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The lane kernel of {@link FactoredScores}: for {@link FactoredScores#LANES} queries at once, each
 * vector's sum of y over its columns, in the columns' order, times its scale; vectors no lane wants
 * are left out before their scores go anywhere. Two implementations
 * give the same floats: {@link ScalarLaneKernel} (16 sums in local variables) and
 * {@link VectorLaneKernel} (the JDK's incubating Vector API, one 512-bit or two 256-bit vectors of
 * sums), which the JVM offers only when started with {@code --add-modules=jdk.incubator.vector}.
 * {@link #best} takes the vector kernel whenever the JVM can run it: 13 % more windows a second
 * end to end on the full-size v1 model (docs/BENCHMARKS.md, session 11).
 */
abstract class LaneKernel {
  /** System property that, set to {@code false}, keeps the scalar kernel (for comparisons). */
  static final String PROPERTY = "lsm.decode.vector";
  private static final String MODULE = "jdk.incubator.vector";

  /** The vector at each position of the kernel's order: the vectors by column count, then by number. */
  final int[] order;
  /** Position i's columns: CSR over {@code terms}; its scale and bound. */
  final int[] rowStart;
  final int[] terms;
  final float[] scales;
  final float[] bounds;

  /**
   * The kernel's copy of the vectors' columns, reordered so that vectors of equal column count
   * are neighbours: the loop over a vector's columns then runs the same number of times as the
   * last one's, and the branch that ends it is predicted (10 % more windows a second end to end,
   * v1 full-size, batch 256; docs/BENCHMARKS.md, session 11). The order changes which
   * vectors a block holds, not a score, nor a result (the selector keeps the same candidates in
   * any order). {@code rowStart} and {@code terms} hold each vector's columns (CSR, by vector number).
   */
  LaneKernel(int[] rowStart, int[] terms, float[] scales, float[] bounds) {
    int n = scales.length;
    this.order = java.util.stream.IntStream.range(0, n).boxed()
        .sorted(java.util.Comparator.comparingInt((Integer g) -> rowStart[g + 1] - rowStart[g]))
        .mapToInt(Integer::intValue).toArray();
    this.rowStart = new int[n + 1];
    this.terms = new int[terms.length];
    this.scales = new float[n];
    this.bounds = new float[n];
    for (int i = 0; i < n; i++) {
      int g = order[i];
      int len = rowStart[g + 1] - rowStart[g];
      System.arraycopy(terms, rowStart[g], this.terms, this.rowStart[i], len);
      this.rowStart[i + 1] = this.rowStart[i] + len;
      this.scales[i] = scales[g];
      this.bounds[i] = bounds[g];
    }
  }

  /** A kernel over another's layout (the same order). */
  LaneKernel(LaneKernel layout) {
    this.order = layout.order;
    this.rowStart = layout.rowStart;
    this.terms = layout.terms;
    this.scales = layout.scales;
    this.bounds = layout.bounds;
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

  /** For the preselection's log line. */
  abstract String describe();

  /** The vector kernel when this JVM runs one (module resolved, 256-bit vectors or wider, not switched off), else the scalar one. */
  static LaneKernel best(int[] rowStart, int[] terms, float[] scales, float[] bounds) {
    int bits = vectorBits();
    LaneKernel layout = new ScalarLaneKernel(rowStart, terms, scales, bounds, "");
    if (bits >= 256) {
      return vector(layout, bits >= 512);
    }
    String why = ModuleLayer.boot().findModule(MODULE).isEmpty() ? "start the JVM with --add-modules=" + MODULE
        : bits == 0 ? PROPERTY + "=false" : "no 256-bit vectors on this CPU";
    return new ScalarLaneKernel(layout, why);
  }

  /** The float vector width the Vector API prefers here in bits; 0 without the module or with {@link #PROPERTY} false. */
  static int vectorBits() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return 0;
    }
    try {
      return (int) MethodHandles.lookup()
          .findStatic(Class.forName("org.lsmspark.tokenizer.VectorLaneKernel"), "preferredBits",
              MethodType.methodType(int.class))
          .invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException("the Vector API kernel does not load", e);
    }
  }

  /**
   * The vector kernel over {@code layout}'s order, one 512-bit vector of sums ({@code wide}) or two 256-bit ones; only callable
   * when the module is resolved. Called reflectively so that this class loads without it.
   */
  static LaneKernel vector(LaneKernel layout, boolean wide) {
    try {
      return (LaneKernel) MethodHandles.lookup()
          .findConstructor(Class.forName("org.lsmspark.tokenizer.VectorLaneKernel"),
              MethodType.methodType(void.class, LaneKernel.class, boolean.class))
          .invoke(layout, wide);
    } catch (Throwable e) {
      throw new IllegalStateException("the Vector API kernel does not load", e);
    }
  }
}
