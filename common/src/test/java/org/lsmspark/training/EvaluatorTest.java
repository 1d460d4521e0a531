package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.LsmModel;

class EvaluatorTest {
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
