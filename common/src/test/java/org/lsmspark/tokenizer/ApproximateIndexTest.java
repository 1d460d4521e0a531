package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApproximateIndexTest {
  private static final int SIZE = 3000;
  private static final int DIM = 24;
  private static final float[] VALUES = VocabularyIndexPropertiesTest.vocabulary(new Random(7), SIZE, DIM);
  private static final float[][] QUERIES = VocabularyIndexPropertiesTest.queries(new Random(8), VALUES, SIZE, DIM, 60);

  @Test
  void aBeamAsWideAsTheVocabularyGivesTheExactAnswerWithItsTieOrder() {
    VocabularyIndex exact = new VocabularyIndex(VALUES, SIZE, DIM);
    ApproximateIndex approx = new ApproximateIndex(exact, DIM, SIZE);
    for (int k : new int[] {1, 5, 10}) {
      VocabularyIndex.Hit[][] want = exact.topK(QUERIES, k);
      VocabularyIndex.Hit[][] got = approx.topK(QUERIES, k);
      for (int i = 0; i < QUERIES.length; i++) {
        assertArrayEquals(want[i], got[i], "query " + i + ", k " + k);
      }
    }
  }

  @Test
  void aNarrowBeamListsExactScoresInRankOrderAndFindsMostTrueNeighbours() {
    VocabularyIndex exact = new VocabularyIndex(VALUES, SIZE, DIM);
    ApproximateIndex approx = new ApproximateIndex(exact, DIM, 16);
    VocabularyIndex.Hit[][] got = approx.topK(QUERIES, 5);
    VocabularyIndex.Hit[][] want = exact.topK(QUERIES, 5);
    int found = 0;
    for (int i = 0; i < QUERIES.length; i++) {
      List<VocabularyIndex.Hit> all = VocabularyIndexPropertiesTest.reference(VALUES, SIZE, DIM, QUERIES[i]);
      assertEquals(5, got[i].length);
      for (int j = 0; j < 5; j++) {
        VocabularyIndex.Hit h = got[i][j];
        assertEquals(all.stream().filter(a -> a.index() == h.index()).findFirst().orElseThrow().score(), h.score(),
            "query " + i + ": the score of row " + h.index() + " is exact");
        if (j > 0) {
          VocabularyIndex.Hit p = got[i][j - 1];
          int c = Float.compare((float) p.score(), (float) h.score());
          assertTrue(c > 0 || (c == 0 && p.index() < h.index()), "query " + i + ": rank order at " + j);
        }
      }
      found += got[i][0].equals(want[i][0]) ? 1 : 0;
    }
    assertTrue(found >= 0.8 * QUERIES.length, "recall@1 " + found + " of " + QUERIES.length);
  }

  @Test
  void theSameVocabularyGivesTheSameGraphAndAnswers() {
    VocabularyIndex exact = new VocabularyIndex(VALUES, SIZE, DIM);
    VocabularyIndex.Hit[][] a = new ApproximateIndex(exact, DIM, 8).topK(QUERIES, 3);
    VocabularyIndex.Hit[][] b = new ApproximateIndex(exact, DIM, 8).topK(QUERIES, 3);
    for (int i = 0; i < QUERIES.length; i++) {
      assertArrayEquals(a[i], b[i], "query " + i);
    }
  }

  @Test
  void concurrentSearchesOfABatchGiveEachQueryItsAnswerAlone() {
    ApproximateIndex approx = new ApproximateIndex(new VocabularyIndex(VALUES, SIZE, DIM), DIM, 32);
    VocabularyIndex.Hit[][] alone = new VocabularyIndex.Hit[QUERIES.length][];
    for (int i = 0; i < QUERIES.length; i++) {
      alone[i] = approx.topK(new float[][] {QUERIES[i]}, 5)[0];
    }
    for (int round = 0; round < 5; round++) { // the batch's graph walks run in parallel: a shared cursor shows
      VocabularyIndex.Hit[][] batch = approx.topK(QUERIES, 5);
      for (int i = 0; i < QUERIES.length; i++) {
        assertArrayEquals(alone[i], batch[i], "round " + round + ", query " + i);
      }
    }
  }

  @Test
  void aVocabularyOfZeroRowsAndABadBeamAreHandled() {
    VocabularyIndex zeros = new VocabularyIndex(new float[4 * 3], 4, 3);
    VocabularyIndex.Hit[] got = new ApproximateIndex(zeros, 3, 16).topK(new float[][] {{1f, 0f, 0f}}, 2)[0];
    assertArrayEquals(new VocabularyIndex.Hit[] {new VocabularyIndex.Hit(0, 0.0), new VocabularyIndex.Hit(1, 0.0)}, got);
    assertThrows(IllegalArgumentException.class, () -> new ApproximateIndex(zeros, 3, 0));
  }
}
