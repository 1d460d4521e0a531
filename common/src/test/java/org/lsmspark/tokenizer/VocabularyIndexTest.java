package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The search over distinct vectors returns exactly what scoring every row in double returns. */
class VocabularyIndexTest {
  @Test
  void duplicateAndZeroRowsGiveTheExactTopK() {
    Random rng = new Random(11);
    int size = 3000;
    int dim = 16;
    float[] values = new float[size * dim];
    for (int r = 0; r < size; r++) {
      int kind = rng.nextInt(10);
      if (kind == 0) {
        continue; // a zero row
      }
      if (kind < 4 && r > 0) {
        int src = rng.nextInt(r); // a copy of an earlier row
        System.arraycopy(values, src * dim, values, r * dim, dim);
        continue;
      }
      for (int d = 0; d < dim; d++) {
        values[r * dim + d] = (float) rng.nextGaussian();
      }
    }
    float[][] queries = new float[40][dim];
    for (int i = 0; i < queries.length; i++) {
      if (i % 10 == 3) {
        continue; // a zero query
      }
      int like = rng.nextInt(size);
      for (int d = 0; d < dim; d++) {
        queries[i][d] = i % 2 == 0 ? values[like * dim + d] : (float) rng.nextGaussian();
      }
    }
    for (int blockRows : new int[] {64, 8192}) {
      VocabularyIndex index = new VocabularyIndex(values, size, dim, blockRows);
      for (int k : new int[] {1, 5, 50, size}) {
        VocabularyIndex.Hit[][] got = index.topK(queries, k);
        for (int i = 0; i < queries.length; i++) {
          assertArrayEquals(bruteForce(values, size, dim, queries[i], k), got[i], "query " + i + ", k " + k);
        }
      }
    }
  }

  @Test
  void anAllZeroVocabularyTiesByIndex() {
    VocabularyIndex index = new VocabularyIndex(new float[4 * 3], 4, 3);
    VocabularyIndex.Hit[][] got = index.topK(new float[][] {{1f, 2f, 3f}}, 2);
    assertArrayEquals(new VocabularyIndex.Hit[] {new VocabularyIndex.Hit(0, 0.0), new VocabularyIndex.Hit(1, 0.0)}, got[0]);
  }

  private static VocabularyIndex.Hit[] bruteForce(float[] values, int size, int dim, float[] q, int k) {
    double qn = 0;
    for (float x : q) {
      qn += (double) x * x;
    }
    qn = Math.sqrt(qn);
    List<VocabularyIndex.Hit> all = new ArrayList<>();
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
    all.sort(Comparator.comparingDouble((VocabularyIndex.Hit h) -> -h.score()).thenComparingInt(VocabularyIndex.Hit::index));
    return all.subList(0, k).toArray(new VocabularyIndex.Hit[0]);
  }

  @Test
  void ranksAreExactWithTiesByIndexAsTheDecoderOrders() {
    float[] vocab = {
      1, 0, 0, // 0: e1
      1, 0, 0, // 1: e1 again (ties with 0)
      0, 1, 0, // 2: e2
      0, 0, 0, // 3: zero vector (similarity 0 with everything)
      2, 0, 0, // 4: 2·e1, the same direction as 0
    };
    VocabularyIndex r = new VocabularyIndex(vocab, 5, 3);
    float[] e1 = {3, 0, 0};
    float[] minus = {-1, 0, 0};
    float[] zero = {0, 0, 0};
    float[][] queries = {e1, e1, e1, e1, e1, minus, zero, zero};
    long[] got = r.ranks(queries, new int[] {0, 1, 4, 3, 2, 2, 3, 0});
    org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {1, 2, 3, 5, 4, 1, 4, 1}, got);
    VocabularyIndex.Hit[][] best = r.topK(queries, 1);
    assertEquals(0, best[0][0].index());
    assertEquals(1.0, best[0][0].score(), 1e-12);
    assertEquals(2, best[5][0].index(), "-e1: the first row of similarity 0");
    assertEquals(0, best[6][0].index());
    assertEquals(0.0, best[6][0].score());
  }

  @Test
  void ranksAgreeWithABruteForceCountOverBlocks() {
    Random rng = new Random(11);
    int v = 700;
    int dim = 12;
    float[] vocab = new float[v * dim];
    for (int i = 0; i < v; i++) {
      int src = i >= 100 && rng.nextInt(4) == 0 ? rng.nextInt(100) : -1; // many exact duplicates
      for (int d = 0; d < dim; d++) {
        vocab[i * dim + d] = src >= 0 ? vocab[src * dim + d] : (float) rng.nextGaussian();
      }
    }
    VocabularyIndex ranker = new VocabularyIndex(vocab, v, dim, 128);
    float[][] q = new float[50][dim];
    int[] gold = new int[50];
    for (int i = 0; i < 50; i++) {
      int near = rng.nextInt(v);
      for (int d = 0; d < dim; d++) {
        q[i][d] = i % 2 == 0 ? vocab[near * dim + d] : (float) rng.nextGaussian();
      }
      gold[i] = i % 3 == 0 ? near : rng.nextInt(v);
    }
    long[] got = ranker.ranks(q, gold);
    VocabularyIndex.Hit[][] top = ranker.topK(q, 1);
    for (int i = 0; i < 50; i++) {
      float g = (float) cos(q[i], vocab, gold[i], dim);
      long rank = 1;
      int best = 0;
      for (int r = 0; r < v; r++) {
        float c = (float) cos(q[i], vocab, r, dim);
        if (c > g || (c == g && r < gold[i])) {
          rank++;
        }
        if (c > (float) cos(q[i], vocab, best, dim)) {
          best = r;
        }
      }
      assertEquals(rank, got[i], "query " + i);
      assertEquals(best, top[i][0].index(), "query " + i);
    }
  }

  private static double cos(float[] q, float[] vocab, int row, int dim) {
    double dot = 0;
    double qq = 0;
    double vv = 0;
    for (int d = 0; d < dim; d++) {
      dot += (double) q[d] * vocab[row * dim + d];
      qq += (double) q[d] * q[d];
      vv += (double) vocab[row * dim + d] * vocab[row * dim + d];
    }
    return vv == 0 || qq == 0 ? 0 : dot / (Math.sqrt(qq) * Math.sqrt(vv));
  }
}
