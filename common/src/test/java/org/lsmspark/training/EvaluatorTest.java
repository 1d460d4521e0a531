package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.LsmModel;

class EvaluatorTest {

  @Test
  void ranksAreExactWithTiesByIndex() {
    float[] vocab = {
      1, 0, 0, // 0: e1
      1, 0, 0, // 1: e1 again (ties with 0)
      0, 1, 0, // 2: e2
      0, 0, 0, // 3: zero vector (similarity 0 with everything)
      2, 0, 0, // 4: 2·e1, the same direction as 0
    };
    Evaluator.Ranker r = new Evaluator.Ranker(vocab, 5, 3);
    float[] e1 = {3, 0, 0};
    float[] minus = {-1, 0, 0};
    float[] zero = {0, 0, 0};
    Evaluator.Ranker.Ranked[] got = r.rank(new float[][] {e1, e1, e1, e1, e1, minus, zero, zero}, new int[] {0, 1, 4, 3, 2, 2, 3, 0});
    long[] want = {1, 2, 3, 5, 4, 1, 4, 1};
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i].goldRank(), "query " + i);
    }
    assertEquals(0, got[0].best());
    assertEquals(1.0, got[0].bestScore(), 1e-12);
    assertEquals(2, got[5].best(), "-e1: the first row of similarity 0");
    assertEquals(0, got[6].best());
    assertEquals(0.0, got[6].bestScore());
  }

  @Test
  void ranksAgreeWithABruteForceCount() {
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
    Evaluator.Ranker ranker = new Evaluator.Ranker(vocab, v, dim);
    float[][] q = new float[50][dim];
    int[] gold = new int[50];
    for (int i = 0; i < 50; i++) {
      int near = rng.nextInt(v);
      for (int d = 0; d < dim; d++) {
        q[i][d] = i % 2 == 0 ? vocab[near * dim + d] : (float) rng.nextGaussian();
      }
      gold[i] = i % 3 == 0 ? near : rng.nextInt(v);
    }
    Evaluator.Ranker.Ranked[] got = ranker.rank(q, gold);
    for (int i = 0; i < 50; i++) {
      double g = cos(q[i], vocab, gold[i], dim);
      long rank = 1;
      int best = 0;
      for (int r = 0; r < v; r++) {
        double c = cos(q[i], vocab, r, dim);
        if (c > g || (c == g && r < gold[i])) {
          rank++;
        }
        if (c > cos(q[i], vocab, best, dim)) {
          best = r;
        }
      }
      assertEquals(rank, got[i].goldRank(), "query " + i);
      assertEquals(best, got[i].best(), "query " + i);
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

  /** Three orthogonal vocabulary turns; every baseline's ranks are known. */
  @Test
  void baselinesOnAHandMadeCorpus() {
    List<List<String>> train = List.of(List.of("apple pie", "apple pie"), List.of("banana split", "banana split"),
        List.of("cherry tart", "cherry tart"));
    TrainingOptions o = TrainingOptions.builder().windowSize(2).embeddingDim(16).minDf(1)
        .reservoirUnits(List.of(4)).convFilters(List.of(2)).convKernels(List.of(1)).denseUnits(List.of())
        .epochs(0).build();
    LsmModel model = LsmModel.of(Trainer.train(train, o).bundle());
    assertEquals(List.of("apple pie", "banana split", "cherry tart"), model.tokenizer().vocabulary());
    List<List<String>> held = List.of(train.get(0), train.get(1), train.get(2),
        List.of("banana", "cherry tart please"));
    Evaluator.Report r = Evaluator.evaluate(model, held, 0, 1, null);
    assertEquals(4, r.windows());
    assertEquals(0.75, r.goldInVocabulary());
    // nearest to last: ranks 1, 1, 1, 3 ("banana" is nearest to "banana split"; the gold is "cherry tart")
    assertMetrics(r.nearestToLast(), 0.75, 1, 1, (3 + 1 / 3.0) / 4);
    // most frequent gold: "cherry tart" (twice); ranks 2, 3, 1, 1
    assertMetrics(r.mostFrequent(), 0.5, 1, 1, (0.5 + 1 / 3.0 + 2) / 4);
    assertEquals(1.0, r.mostFrequent().meanConfidence(), 1e-6);
    assertEquals(1.0, r.random().hitAt5());
    assertEquals(1.0, r.model().hitAt10());
    assertTrue(r.random().mrr() >= 1 / 3.0 && r.random().mrr() <= 1);
    assertEquals(r, Evaluator.evaluate(model, held, 0, 1, null), "the same seed gives the same report");
    assertEquals(2, Evaluator.evaluate(model, held, 2, 1, null).windows());
  }

  private static void assertMetrics(Evaluator.Metrics m, double hit1, double hit5, double hit10, double mrr) {
    assertEquals(hit1, m.hitAt1(), 1e-12, "hit@1");
    assertEquals(hit5, m.hitAt5(), 1e-12, "hit@5");
    assertEquals(hit10, m.hitAt10(), 1e-12, "hit@10");
    assertEquals(mrr, m.mrr(), 1e-12, "mrr");
  }
}
