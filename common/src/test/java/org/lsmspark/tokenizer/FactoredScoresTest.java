package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The lane kernel ({@link FactoredScores#scoreLanes}, 16 sums written out by hand) against the
 * one-query gather loop ({@link FactoredScores#scoreOne}): every lane's score must be the same
 * float, bit for bit, whatever the lane count, the lane and the block of vectors. A lane that
 * reads the wrong column of x, is written to the wrong output row, or sums in another order
 * fails here even when the top k it would change happens to survive the exact rescoring.
 */
class FactoredScoresTest {

  @Property(tries = 30)
  void everyLaneIsTheOneQueryScore(@ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int lanes,
      @ForAll @IntRange(min = 0, max = 3) int perturbation) {
    Random rng = new Random(seed);
    FactoredPreselectionTest.Model m = FactoredPreselectionTest.model(rng, 200 + rng.nextInt(600), perturbation);
    double[] norms = new double[m.size()];
    int nonzero = 0;
    for (int r = 0; r < m.size(); r++) {
      double s = 0;
      for (int d = 0; d < m.dim(); d++) {
        double v = m.values()[r * m.dim() + d];
        s += v * v;
      }
      norms[r] = Math.sqrt(s);
      nonzero += norms[r] > 0 ? 1 : 0;
    }
    int[] rows = new int[nonzero];
    for (int r = 0, g = 0; r < m.size(); r++) {
      if (norms[r] > 0) {
        rows[g++] = r;
      }
    }
    FactoredScores f = FactoredScores.build(m.values(), norms, rows, m.components(), m.dim(), m.features(),
        r -> m.tfidf()[r]);
    int features = f.features;
    float[] xs = new float[lanes * features]; // one query's x per row, as the GEMM leaves it
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) rng.nextGaussian();
    }
    float[] xg = new float[features * FactoredScores.LANES];
    for (int t = 0; t < lanes; t++) {
      for (int j = 0; j < features; j++) {
        xg[j * FactoredScores.LANES + t] = xs[t * features + j];
      }
    }
    int first = rng.nextInt(f.vectors);
    int len = 1 + rng.nextInt(f.vectors - first);
    float[] out = new float[lanes * len];
    f.scoreLanes(xg, lanes, first, len, new float[FactoredScores.LANES], out);
    float[] one = new float[len];
    for (int t = 0; t < lanes; t++) {
      f.scoreOne(xs, t * features, first, len, one);
      for (int r = 0; r < len; r++) {
        assertEquals(Float.floatToRawIntBits(one[r]), Float.floatToRawIntBits(out[t * len + r]),
            "seed " + seed + ", lanes " + lanes + ", lane " + t + ", vector " + (first + r));
      }
    }
  }
}
