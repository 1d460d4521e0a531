package org.lsmspark.tokenizer;

/**
 * The lane kernel without the Vector API. The 16 sums live in local variables, written out by
 * hand: the JIT keeps them in registers. Summing into a float[16] (one 16-wide add per term) took
 * about twice the CPU time on the full-size vocabulary, its accumulators going through memory on
 * every term.
 */
final class ScalarLaneKernel extends LaneKernel {
  private final String why;

  ScalarLaneKernel(Layout layout, String why) {
    super(layout);
    this.why = why;
  }

  @Override
  int scoreListed(float[] y, int first, int len, float[] floors, int[] vectors, float[] scores) {
    int count = 0;
    for (int i = first, end = first + len; i < end; i++) {
      int at = count * FactoredScores.LANES;
      sums(y, i, scores, at); // kept only if listed: the next vector overwrites them otherwise
      float b = bounds[i];
      boolean wanted = false;
      for (int t = 0; t < FactoredScores.LANES; t++) {
        wanted |= !(scores[at + t] + b < floors[t]);
      }
      if (wanted) {
        vectors[count++] = order[i];
      }
    }
    return count;
  }

  /** The 16 scores of the vector at position g into {@code out[at, at + 16)}. */
  private void sums(float[] y, int g, float[] out, int at) {
    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
    float s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
    float s8 = 0f, s9 = 0f, s10 = 0f, s11 = 0f;
    float s12 = 0f, s13 = 0f, s14 = 0f, s15 = 0f;
    for (int p = rowStart[g], end = rowStart[g + 1]; p < end; p++) {
      int b = terms[p] * FactoredScores.LANES;
      s0 += y[b + 0];
      s1 += y[b + 1];
      s2 += y[b + 2];
      s3 += y[b + 3];
      s4 += y[b + 4];
      s5 += y[b + 5];
      s6 += y[b + 6];
      s7 += y[b + 7];
      s8 += y[b + 8];
      s9 += y[b + 9];
      s10 += y[b + 10];
      s11 += y[b + 11];
      s12 += y[b + 12];
      s13 += y[b + 13];
      s14 += y[b + 14];
      s15 += y[b + 15];
    }
    float sc = scales[g];
    out[at] = sc * s0;
    out[at + 1] = sc * s1;
    out[at + 2] = sc * s2;
    out[at + 3] = sc * s3;
    out[at + 4] = sc * s4;
    out[at + 5] = sc * s5;
    out[at + 6] = sc * s6;
    out[at + 7] = sc * s7;
    out[at + 8] = sc * s8;
    out[at + 9] = sc * s9;
    out[at + 10] = sc * s10;
    out[at + 11] = sc * s11;
    out[at + 12] = sc * s12;
    out[at + 13] = sc * s13;
    out[at + 14] = sc * s14;
    out[at + 15] = sc * s15;
  }

  @Override
  String describe() {
    return "scalar lane kernel (" + why + " for the Vector API one)";
  }
}
