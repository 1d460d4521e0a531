package org.lsmspark.tokenizer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane kernel on the JDK's incubating Vector API: a vector's 16 sums are one 512-bit vector
 * (or two 256-bit ones), one load and one add per column where the scalar kernel makes 16 of each;
 * lane t still adds the same floats in the same order, and one compare tests whether any lane
 * wants the vector. Loaded only through {@link LaneKernel}, when the module is resolved.
 */
final class VectorLaneKernel extends LaneKernel {
  private static final VectorSpecies<Float> V512 = FloatVector.SPECIES_512;
  private static final VectorSpecies<Float> V256 = FloatVector.SPECIES_256;
  private static final int LANES = FactoredScores.LANES;

  private final boolean wide;

  VectorLaneKernel(Layout layout, boolean wide) {
    super(layout);
    this.wide = wide;
  }

  @Override
  int scoreListed(float[] y, int first, int len, float[] floors, int[] vectors, float[] scores) {
    return wide ? listed512(y, first, len, floors, vectors, scores) : listed256(y, first, len, floors, vectors, scores);
  }

  private int listed512(float[] y, int first, int len, float[] floors, int[] vectors, float[] scores) {
    FloatVector floor = FloatVector.fromArray(V512, floors, 0);
    int count = 0;
    for (int g = first, end = first + len; g < end; g++) {
      FloatVector s = FloatVector.zero(V512);
      for (int p = rowStart[g], e = rowStart[g + 1]; p < e; p++) {
        s = s.add(FloatVector.fromArray(V512, y, terms[p] * LANES));
      }
      s = s.mul(scales[g]);
      s.intoArray(scores, count * LANES); // kept only if listed: the next vector overwrites them otherwise
      if (!s.add(bounds[g]).compare(VectorOperators.LT, floor).allTrue()) {
        vectors[count++] = order[g];
      }
    }
    return count;
  }

  private int listed256(float[] y, int first, int len, float[] floors, int[] vectors, float[] scores) {
    FloatVector floorLo = FloatVector.fromArray(V256, floors, 0);
    FloatVector floorHi = FloatVector.fromArray(V256, floors, 8);
    int count = 0;
    for (int g = first, end = first + len; g < end; g++) {
      FloatVector lo = FloatVector.zero(V256);
      FloatVector hi = FloatVector.zero(V256);
      for (int p = rowStart[g], e = rowStart[g + 1]; p < e; p++) {
        int b = terms[p] * LANES;
        lo = lo.add(FloatVector.fromArray(V256, y, b));
        hi = hi.add(FloatVector.fromArray(V256, y, b + 8));
      }
      float sc = scales[g];
      lo = lo.mul(sc);
      hi = hi.mul(sc);
      lo.intoArray(scores, count * LANES);
      hi.intoArray(scores, count * LANES + 8);
      float bound = bounds[g];
      if (!(lo.add(bound).compare(VectorOperators.LT, floorLo).allTrue()
          && hi.add(bound).compare(VectorOperators.LT, floorHi).allTrue())) {
        vectors[count++] = order[g];
      }
    }
    return count;
  }

  /** One vector add per pair (two with 256-bit vectors) where the loop over 16 lanes made 16 (4 % of v1's batch-256 samples). */
  @Override
  void addPairs(float[] y, TermPairs pairs, int features) {
    int[] left = pairs.left;
    int[] right = pairs.right;
    for (int p = 0; p < left.length; p++) {
      int to = (features + p) * LANES;
      int a = left[p] * LANES;
      int b = right[p] * LANES;
      if (wide) {
        FloatVector.fromArray(V512, y, a).add(FloatVector.fromArray(V512, y, b)).intoArray(y, to);
      } else {
        FloatVector.fromArray(V256, y, a).add(FloatVector.fromArray(V256, y, b)).intoArray(y, to);
        FloatVector.fromArray(V256, y, a + 8).add(FloatVector.fromArray(V256, y, b + 8)).intoArray(y, to + 8);
      }
    }
  }

  @Override
  String describe() {
    return "Vector API lane kernel (" + (wide ? "512-bit" : "2 × 256-bit") + ")";
  }
}
