package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class Bm25Test {
  // words: [the, cat, sat] (dl 3), [the, dog] (dl 2), [cat, cat, dog] (dl 3); N 3, avgdl 8/3
  private final Bm25 bm25 = new Bm25(List.of("The cat sat.", "the DOG", "cat, cat; dog a"));

  @Test
  void handComputedScores() {
    double idf2 = Math.log(1 + 1.5 / 2.5); // df 2 (cat, dog, the)
    double norm3 = 1 + 1.2 * (0.25 + 0.75 * 3 / (8 / 3.0)); // dl 3
    double norm2 = 1 + 1.2 * (0.25 + 0.75 * 2 / (8 / 3.0)); // dl 2
    double[] want = {
      idf2 * 2.2 / norm3,
      idf2 * 2.2 / norm2,
      idf2 * 2 * 2.2 / (norm3 + 1) + idf2 * 2.2 / norm3,
    };
    assertArrayEquals(want, bm25.scores("Cat dog", new int[] {0, 1, 2}), 1e-12);
    // 0.447139, 0.523549, 1.071446 by hand
    assertEquals(1.071446, bm25.scores("Cat dog", new int[] {2})[0], 1e-6);
  }

  @Test
  void rareWordsWeighMoreAndStopWordsCount() {
    double idf1 = Math.log(1 + 2.5 / 1.5); // df 1 (sat)
    double norm3 = 1 + 1.2 * (0.25 + 0.75 * 3 / (8 / 3.0));
    assertArrayEquals(new double[] {idf1 * 2.2 / norm3, 0, 0}, bm25.scores("sat", new int[] {0, 1, 2}), 1e-12);
    double idf2 = Math.log(1 + 1.5 / 2.5);
    assertEquals(idf2 * 2.2 / norm3, bm25.scores("THE", new int[] {0})[0], 1e-12, "'the' is kept and lowercased");
    assertEquals(0.0, bm25.scores("a", new int[] {2})[0], "one-letter words are no words");
  }

  @Test
  void aRepeatedQueryWordCountsOnceAndUnknownWordsNothing() {
    int[] all = {0, 1, 2};
    assertArrayEquals(bm25.scores("cat dog", all), bm25.scores("cat cat dog dog zebra", all));
    assertArrayEquals(new double[] {0, 0, 0}, bm25.scores("", all));
    double[] inOrder = bm25.scores("dog", all);
    assertArrayEquals(new double[] {inOrder[2], inOrder[1], inOrder[0]}, bm25.scores("dog", new int[] {2, 1, 0}),
        "scores follow the order of docs");
  }
}
