package org.lsmspark.tokenizer;

/**
 * The lane kernel without the Vector API. The 16 sums live in local variables, written out by
 * hand: the JIT keeps them in registers. Summing into a float[16] (one 16-wide add per term) took
 * about twice the CPU time on the full-size vocabulary, its accumulators going through memory on
 * every term.
 */
final class ScalarLaneKernel extends LaneKernel {
  private final String why;

  ScalarLaneKernel(int[] rowStart, int[] terms, float[] scales, String why) {
    super(rowStart, terms, scales);
    this.why = why;
  }

  @Override
  void score(float[] y, int first, int len, float[] out) {
    for (int r = 0; r < len; r++) {
      int g = first + r;
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
      out[0 * len + r] = sc * s0;
      out[1 * len + r] = sc * s1;
      out[2 * len + r] = sc * s2;
      out[3 * len + r] = sc * s3;
      out[4 * len + r] = sc * s4;
      out[5 * len + r] = sc * s5;
      out[6 * len + r] = sc * s6;
      out[7 * len + r] = sc * s7;
      out[8 * len + r] = sc * s8;
      out[9 * len + r] = sc * s9;
      out[10 * len + r] = sc * s10;
      out[11 * len + r] = sc * s11;
      out[12 * len + r] = sc * s12;
      out[13 * len + r] = sc * s13;
      out[14 * len + r] = sc * s14;
      out[15 * len + r] = sc * s15;
    }
  }

  @Override
  String describe() {
    return "scalar lane kernel (" + why + " for the Vector API one)";
  }
}
