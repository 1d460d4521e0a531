package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
