package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every kernel against the definition: vector g's score is {@code σ_g * S} in float, S the float
 * sum of {@code y_c} over its columns in ascending order (its terms, a term counted n times listed n
 * times, with pairs merged: a pair's y the float sum of its two columns'), and
 * {@code σ_g = (float) (1 / (‖t_g‖ ‖v_g‖))}, ‖t_g‖ the norm of its counts times idf. The columns
 * must expand to the vector's terms (pairs within pairs included). The lane
 * kernels ({@link ScalarLaneKernel}, 16 sums written out by hand, and {@link VectorLaneKernel}'s
 * 512- and 256-bit forms, every vector listed) and the lone-query kernel
 * ({@link FactoredScores#scoreAll}, part by part, 16 vectors at a time) must give that float bit
 * for bit, whatever the lane count, the lane, the block of vectors or the part. A lane that reads
 * the wrong column of y or lands in the wrong output row (or lane), scores listed in the wrong place
 * or order, terms copied out of order (another sum
 * order) or once whatever their count, a scale taken from another vector, a vector missing from or
 * repeated in the parts, a sum written to another vector's place, or padding that changes a sum
 * fails here even when the top k it would change survives the exact rescoring.
 */
class FactoredScoresTest {

  @Property(tries = 30)
  void everyKernelGivesTheDefinedSums(@ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int lanes,
      @ForAll @IntRange(min = 0, max = 3) int perturbation) {
    Random rng = new Random(seed);
    int size = rng.nextInt(4) == 0 ? 1 + rng.nextInt(8) : 200 + rng.nextInt(600);
    FactoredPreselectionTest.Model m = FactoredPreselectionTest.model(rng, size, perturbation);
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
    if (nonzero == 0) {
      return;
    }
    int[] rows = new int[nonzero];
    for (int r = 0, g = 0; r < m.size(); r++) {
      if (norms[r] > 0) {
        rows[g++] = r;
      }
    }
    FactoredScores f = FactoredScores.build(m.values(), norms, rows,
        new VocabularyIndex.Factors(m.components(), m.features(), m.idf(), r -> m.counts()[r]), m.dim());
    int features = f.features;
    float[] xs = new float[lanes * features]; // one query's y per row, as the GEMM leaves it
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) rng.nextGaussian();
    }
    float[][] ys = new float[lanes][]; // each lane's y with its pairs, as defined
    for (int t = 0; t < lanes; t++) {
      ys[t] = java.util.Arrays.copyOf(java.util.Arrays.copyOfRange(xs, t * features, (t + 1) * features),
          f.columns + 1); // the lone kernel's y ends with the zero its padding reads
      for (int p = 0; p < f.pairs(); p++) {
        ys[t][features + p] = ys[t][f.pair(p)[0]] + ys[t][f.pair(p)[1]];
      }
    }
    float[] xg = new float[f.columns * FactoredScores.LANES];
    for (int t = 0; t < lanes; t++) {
      for (int j = 0; j < features; j++) {
        xg[j * FactoredScores.LANES + t] = xs[t * features + j];
      }
    }
    float[] features16 = xg.clone();
    f.addPairs(xg, FactoredScores.LANES);
    for (LaneKernel k : kernels(f.laneKernel())) { // each kernel's pair columns, lane by lane as defined
      float[] y = features16.clone();
      k.addPairs(y, f.termPairs(), features);
      for (int t = 0; t < lanes; t++) {
        for (int p = 0; p < f.pairs(); p++) {
          assertEquals(Float.floatToRawIntBits(ys[t][features + p]),
              Float.floatToRawIntBits(y[(features + p) * FactoredScores.LANES + t]),
              k.describe() + ": seed " + seed + ", pair " + p + ", lane " + t);
        }
      }
    }
    float[] noFloor = new float[FactoredScores.LANES];
    java.util.Arrays.fill(noFloor, Float.NEGATIVE_INFINITY);
    java.util.Map<String, float[][]> outs = new java.util.LinkedHashMap<>(); // [vector][lane]
    for (LaneKernel k : kernels(f.laneKernel())) {
      outs.put(k.describe(), listAll(k, xg, f.vectors, noFloor, "seed " + seed));
    }
    assertFalse(f.loneQueryLayoutBuilt(), "built before a lone query needs it");
    float[] floors = new float[FactoredScores.LANES];
    for (int t = 0; t < floors.length; t++) { // a lane wanting all, nothing, or from a drawn floor on
      int kind = rng.nextInt(4);
      floors[t] = t >= lanes || kind == 0 ? Float.POSITIVE_INFINITY
          : kind == 1 ? Float.NEGATIVE_INFINITY : (float) (rng.nextGaussian() * 0.3);
    }
    int first = rng.nextInt(f.vectors);
    int len = 1 + rng.nextInt(f.vectors - first);
    for (LaneKernel k : kernels(f.laneKernel())) {
      listsWhatSomeLaneWants(k, xg, first, len, floors, f.bounds(), outs.get(k.describe()), "seed " + seed);
    }
    for (int t = 0; t < lanes; t++) {
      float[] all = new float[f.vectors];
      java.util.Arrays.fill(all, Float.NaN); // every part must write every one of its vectors
      for (int part = FactoredScores.PARTS - 1; part >= 0; part--) {
        float[] y = java.util.Arrays.copyOf(java.util.Arrays.copyOfRange(xs, t * features, (t + 1) * features),
            f.columns + 1);
        f.addPairs(y, 1);
        f.scoreAll(y, part, all);
      }
      for (int g = 0; g < f.vectors; g++) {
        int[] counts = m.counts()[rows[g]];
        assertEquals(terms(counts), expand(f, f.row(g)), "columns: " + "seed " + seed + ", vector " + g);
        float expected = defined(f.row(g), counts, m.idf(), norms[rows[g]], ys[t]);
        String where = "seed " + seed + ", lane " + t + " of " + lanes + ", vector " + g;
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(all[g]), "lone: " + where);
        for (var e : outs.entrySet()) {
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(e.getValue()[g][t]),
              e.getKey() + ": " + where);
        }
      }
    }
  }

  /**
   * Every vector listed once, in the kernel's order, with no floor: its 16 scores by vector number.
   * The order must hold the vectors by column count (what keeps the kernel's loop predictable).
   */
  private static float[][] listAll(LaneKernel k, float[] y, int n, float[] noFloor, String where) {
    int[] vectors = new int[n];
    float[] scores = new float[FactoredScores.LANES * n];
    assertEquals(n, k.scoreListed(y, 0, n, noFloor, vectors, scores), k.describe() + ", " + where);
    float[][] byVector = new float[n][];
    for (int j = 0; j < n; j++) {
      int g = vectors[j];
      assertEquals(k.order[j], g, k.describe() + ": position " + j + ", " + where);
      assertTrue(byVector[g] == null, k.describe() + ": vector " + g + " listed twice, " + where);
      byVector[g] = java.util.Arrays.copyOfRange(scores, j * FactoredScores.LANES, (j + 1) * FactoredScores.LANES);
      if (j > 0) {
        assertTrue(k.rowStart[j + 1] - k.rowStart[j] >= k.rowStart[j] - k.rowStart[j - 1], "order at " + j);
      }
    }
    return byVector;
  }

  /**
   * {@link LaneKernel#scoreListed} over positions {@code [first, first + len)} lists, in position
   * order, exactly the vectors some lane wants (its score plus bound not below the lane's floor),
   * each with the scores it has with no floor (every lane's, bit for bit). Fails on a vector left out
   * that a lane wants (a lost candidate), one listed that no lane wants, a floor compared the wrong
   * way or in the wrong lane, a bound of another vector, or scores kept from a vector left out.
   */
  private static void listsWhatSomeLaneWants(LaneKernel k, float[] y, int first, int len, float[] floors,
      float[] bounds, float[][] all, String where) {
    int[] vectors = new int[len];
    float[] scores = new float[FactoredScores.LANES * len];
    int count = k.scoreListed(y, first, len, floors, vectors, scores);
    int j = 0;
    for (int i = first; i < first + len; i++) {
      int g = k.order[i];
      boolean wanted = false;
      for (int t = 0; t < FactoredScores.LANES; t++) {
        wanted |= all[g][t] + bounds[g] >= floors[t];
      }
      if (!wanted) {
        continue;
      }
      assertTrue(j < count && vectors[j] == g, k.describe() + ": vector " + g + " not listed, " + where);
      for (int t = 0; t < FactoredScores.LANES; t++) {
        assertEquals(Float.floatToRawIntBits(all[g][t]), Float.floatToRawIntBits(scores[j * FactoredScores.LANES + t]),
            k.describe() + ": vector " + g + " lane " + t + ", " + where);
      }
      j++;
    }
    assertEquals(j, count, k.describe() + ": listed vectors no lane wants, " + where);
  }

  /** The scalar kernel and, where this JVM runs the Vector API, both vector kernels, over the same columns. */
  static java.util.List<LaneKernel> kernels(LaneKernel k) {
    java.util.List<LaneKernel> all = new java.util.ArrayList<>();
    all.add(new ScalarLaneKernel(k.layout(), "test"));
    if (org.lsmspark.simd.VectorApi.bits() > 0) {
      all.add(LaneKernel.vector(k.layout(), true));
      all.add(LaneKernel.vector(k.layout(), false));
    }
    return all;
  }

  private static float defined(int[] columns, int[] counts, float[] idf, double norm, float[] y) {
    double t = 0;
    for (int p = 0; p < counts.length; p += 2) {
      double w = counts[p + 1] * (double) idf[counts[p]];
      t += w * w;
    }
    float s = 0f;
    for (int c : columns) {
      s += y[c];
    }
    return counts.length == 0 ? 0f : (float) (1 / (Math.sqrt(t) * norm)) * s;
  }

  /** A vector's terms, a term counted n times listed n times, ascending. */
  private static java.util.List<Integer> terms(int[] counts) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (int p = 0; p < counts.length; p += 2) {
      for (int c = 0; c < counts[p + 1]; c++) {
        out.add(counts[p]);
      }
    }
    return out;
  }

  /** Columns expanded to terms through the pairs, ascending. */
  private static java.util.List<Integer> expand(FactoredScores f, int[] columns) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
    for (int c : columns) {
      todo.push(c);
    }
    while (!todo.isEmpty()) {
      int c = todo.pop();
      if (c < f.features) {
        out.add(c);
      } else {
        todo.push(f.pair(c - f.features)[0]);
        todo.push(f.pair(c - f.features)[1]);
      }
    }
    java.util.Collections.sort(out);
    return out;
  }
}
