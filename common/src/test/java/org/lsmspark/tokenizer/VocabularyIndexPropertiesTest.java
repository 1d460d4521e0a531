package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The decode against a brute-force reference that scores every row in double and orders them as
 * callers see them (the float value of the cosine, descending, ties by vocabulary index), on
 * random vocabularies of thousands of rows that hold the hard cases: exact duplicates, zero rows,
 * rows one float ulp apart (different doubles, often the same float), and queries equal to rows.
 */
class VocabularyIndexPropertiesTest {

  @Property(tries = 25)
  void topKIsTheBruteForceTopKWithItsTieOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int k,
      @ForAll @IntRange(min = 0, max = 2) int blocking) {
    Random rng = new Random(seed);
    int size = 1000 + rng.nextInt(4000);
    int dim = 4 + rng.nextInt(60);
    float[] values = vocabulary(rng, size, dim);
    float[][] queries = queries(rng, values, size, dim, 24);
    int blockRows = new int[] {97, 1024, VocabularyIndex.DEFAULT_BLOCK_ROWS}[blocking];
    VocabularyIndex index = new VocabularyIndex(values, size, dim, blockRows);
    VocabularyIndex.Hit[][] got = index.topK(queries, k);
    for (int i = 0; i < queries.length; i++) {
      List<VocabularyIndex.Hit> all = reference(values, size, dim, queries[i]);
      String where = "seed " + seed + ", size " + size + ", dim " + dim + ", query " + i + ", k " + k;
      assertArrayEquals(all.subList(0, k).toArray(new VocabularyIndex.Hit[0]), got[i], where);
      // alone: the few-query path (Java loops, not the GEMM)
      assertArrayEquals(got[i], index.topK(new float[][] {queries[i]}, k)[0], where + ", alone");
    }
  }

  @Property(tries = 10)
  void ranksArePositionsInTheBruteForceOrder(@ForAll long seed) {
    Random rng = new Random(seed);
    int size = 1000 + rng.nextInt(3000);
    int dim = 4 + rng.nextInt(40);
    float[] values = vocabulary(rng, size, dim);
    float[][] queries = queries(rng, values, size, dim, 16);
    int[] rows = new int[queries.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = rng.nextInt(size);
    }
    long[] ranks = new VocabularyIndex(values, size, dim, 512).ranks(queries, rows);
    for (int i = 0; i < queries.length; i++) {
      List<VocabularyIndex.Hit> all = reference(values, size, dim, queries[i]);
      int position = 0;
      while (all.get(position).index() != rows[i]) {
        position++;
      }
      assertEquals(position + 1, ranks[i], "seed " + seed + ", query " + i + ", row " + rows[i]);
    }
  }

  /** Gaussian rows with a tenth zero, a fifth exact copies and a tenth one ulp from an earlier row. */
  static float[] vocabulary(Random rng, int size, int dim) {
    float[] values = new float[size * dim];
    for (int r = 0; r < size; r++) {
      int kind = rng.nextInt(10);
      if (kind == 0) {
        continue;
      }
      if (kind <= 3 && r > 0) {
        int src = rng.nextInt(r);
        System.arraycopy(values, src * dim, values, r * dim, dim);
        if (kind == 3) {
          int d = rng.nextInt(dim);
          values[r * dim + d] = Math.nextUp(values[r * dim + d]);
        }
        continue;
      }
      for (int d = 0; d < dim; d++) {
        values[r * dim + d] = (float) rng.nextGaussian();
      }
    }
    return values;
  }

  /** Random directions, copies of rows (best score 1, often tied) and one zero query. */
  static float[][] queries(Random rng, float[] values, int size, int dim, int n) {
    float[][] q = new float[n][dim];
    for (int i = 1; i < n; i++) {
      int row = rng.nextInt(size);
      for (int d = 0; d < dim; d++) {
        q[i][d] = i % 3 == 0 ? values[row * dim + d] * 2.5f : (float) rng.nextGaussian();
      }
    }
    return q;
  }

  /** Every row scored in double, ordered by the float of the score, descending, then by index. */
  static List<VocabularyIndex.Hit> reference(float[] values, int size, int dim, float[] q) {
    double qn = 0;
    for (float x : q) {
      qn += (double) x * x;
    }
    qn = Math.sqrt(qn);
    List<VocabularyIndex.Hit> all = new ArrayList<>(size);
    for (int r = 0; r < size; r++) {
      double dot = 0;
      double vn = 0;
      for (int d = 0; d < dim; d++) {
        dot += (double) q[d] * values[r * dim + d];
        vn += (double) values[r * dim + d] * values[r * dim + d];
      }
      vn = Math.sqrt(vn);
      all.add(new VocabularyIndex.Hit(r, qn == 0 || vn == 0 ? 0.0 : dot / (qn * vn)));
    }
    all.sort((a, b) -> {
      int c = Float.compare((float) b.score(), (float) a.score());
      return c != 0 ? c : Integer.compare(a.index(), b.index());
    });
    return all;
  }
}
