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
 * {@link #best} takes the vector kernel whenever the JVM can run it: it scores the full-size
 * vocabulary 2-2.5× faster (docs/BENCHMARKS.md, session 11).
 */
abstract class LaneKernel {
  /** System property that, set to {@code false}, keeps the scalar kernel (for comparisons). */
  static final String PROPERTY = "lsm.decode.vector";
  private static final String MODULE = "jdk.incubator.vector";

  /** Each vector's columns: CSR over {@code terms}. */
  final int[] rowStart;
  final int[] terms;
  final float[] scales;

  LaneKernel(int[] rowStart, int[] terms, float[] scales) {
    this.rowStart = rowStart;
    this.terms = terms;
    this.scales = scales;
  }

  /**
   * Scores of the {@link FactoredScores#LANES} queries of {@code y} ([columns][LANES], lanes
   * without a query zero) against vectors {@code [first, first + len)}, listed: vector g is listed
   * (in {@code vectors}, ascending, its 16 scores at {@code scores[j * LANES, j * LANES + LANES)})
   * unless every lane's upper end {@code score + bounds[g]} lies below that lane's
   * {@code floors[t]} (+∞ for a lane without a query; with every floor −∞ all are listed). Returns
   * how many are listed; {@code vectors} holds {@code len}, {@code scores} LANES × len.
   */
  abstract int scoreListed(float[] y, int first, int len, float[] floors, float[] bounds, int[] vectors,
      float[] scores);

  /** For the preselection's log line. */
  abstract String describe();

  /** The vector kernel when this JVM runs one (module resolved, 256-bit vectors or wider, not switched off), else the scalar one. */
  static LaneKernel best(int[] rowStart, int[] terms, float[] scales) {
    int bits = vectorBits();
    if (bits >= 256) {
      return vector(rowStart, terms, scales, bits >= 512);
    }
    String why = ModuleLayer.boot().findModule(MODULE).isEmpty() ? "start the JVM with --add-modules=" + MODULE
        : bits == 0 ? PROPERTY + "=false" : "no 256-bit vectors on this CPU";
    return new ScalarLaneKernel(rowStart, terms, scales, why);
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
   * The vector kernel, one 512-bit vector of sums ({@code wide}) or two 256-bit ones; only callable
   * when the module is resolved. Called reflectively so that this class loads without it.
   */
  static LaneKernel vector(int[] rowStart, int[] terms, float[] scales, boolean wide) {
    try {
      return (LaneKernel) MethodHandles.lookup()
          .findConstructor(Class.forName("org.lsmspark.tokenizer.VectorLaneKernel"),
              MethodType.methodType(void.class, int[].class, int[].class, float[].class, boolean.class))
          .invoke(rowStart, terms, scales, wide);
    } catch (Throwable e) {
      throw new IllegalStateException("the Vector API kernel does not load", e);
    }
  }
}
