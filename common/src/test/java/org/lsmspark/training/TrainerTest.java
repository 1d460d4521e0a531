package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.WaveformConfig;

class TrainerTest {

  /** A small format-v2 architecture (the defaults' shape), so that the tests stay fast. */
  static TrainingOptions.Builder small() {
    return TrainingOptions.builder().windowSize(4).embeddingDim(16).maxFeatures(500).reservoirUnits(List.of(24, 12))
        .convFilters(List.of(3)).convKernels(List.of(1)).denseUnits(List.of(16)).batchSize(32);
  }

  /** Format v1's original shape, trained through SameDiff. */
  static TrainingOptions.Builder smallV1() {
    return small().waveform(WaveformConfig.V1).pooling(CnnConfig.Pooling.GLOBAL_AVERAGE).attention(true)
        .convFilters(List.of(8, 8)).convKernels(List.of(3, 3)).loss(TrainingOptions.Loss.MSE);
  }

  @Test
  void windowsArePaddedInFrontWithTheEmptyTurn() {
    List<List<String>> d = List.of(List.of("a", "b", "c"), List.of("solo"), List.of("x", "y"));
    List<Windows.Ref> refs = Windows.of(d, List.of(0, 1, 2));
    assertEquals(List.of(new Windows.Ref(0, 1), new Windows.Ref(0, 2), new Windows.Ref(2, 1)), refs);
    assertEquals(List.of("", "", "a", "b"), Windows.context(d, refs.get(1), 4));
    assertEquals(List.of("b"), Windows.context(d, refs.get(1), 1));
    assertEquals("c", Windows.target(d, refs.get(1)));
  }

  @Test
  void sameSeedSameBundleOtherSeedOtherBundle() {
    List<List<String>> corpus = SgdSample.dialogues().subList(0, 40);
    for (TrainingOptions.Builder shape : List.of(small(), smallV1())) {
      TrainingOptions o = shape.epochs(1).maxWindows(100).seed(5).build();
      ModelBundle a = Trainer.train(corpus, o).bundle();
      ModelBundle b = Trainer.train(corpus, o).bundle();
      assertEquals(a.fingerprint(), b.fingerprint());
      assertEquals(a.tensors(), b.tensors());
      ModelBundle c = Trainer.train(corpus, shape.seed(6).build()).bundle();
      assertNotEquals(a.fingerprint(), c.fingerprint());
      assertEquals(a.terms(), c.terms(), "the tokenizer does not depend on the seed");
    }
  }

  /**
   * The acceptance test of the contrastive objective: on conversations it never saw, the trained
   * model ranks the true next turn first among 100 candidates more often than BM25 does.
   */
  @Test
  void contrastiveTrainingBeatsBm25OnHeldOutSampleConversations() {
    List<List<String>> corpus = SgdSample.dialogues();
    List<List<String>> seen = corpus.subList(0, 250);
    List<List<String>> heldOut = corpus.subList(250, 300);
    List<Trainer.EpochStats> epochs = new ArrayList<>();
    // the demo's shape: small data wants a linear read-out and a softer temperature
    Trainer.Result r = Trainer.train(seen, TrainingOptions.builder().embeddingDim(64).maxFeatures(4000)
        .reservoirUnits(List.of(64)).convFilters(List.of(4)).denseUnits(List.of()).batchSize(32).temperature(0.1)
        .epochs(10).patience(10).build(), new Trainer.Listener() {
          @Override
          public void epoch(Trainer.EpochStats stats, boolean best) {
            epochs.add(stats);
          }
        });
    assertEquals(r.epochs(), epochs);
    assertTrue(epochs.get(epochs.size() - 1).trainLoss() < epochs.get(0).trainLoss() * 0.8, "training losses " + epochs);
    Trainer.EpochStats best = epochs.get(r.bestEpoch() - 1);
    for (Trainer.EpochStats e : epochs) {
      assertTrue(e.validationRecall() <= best.validationRecall(), "kept epoch " + r.bestEpoch() + " of " + epochs);
    }
    OneOfHundred.Report report = Evaluator.evaluate(LsmModel.of(r.bundle()), heldOut, 0, 42, done -> { })
        .oneOfHundred();
    double model = report.model().recallAt1();
    double bm25 = report.bm25().recallAt1();
    assertTrue(model > bm25, "R@1/100 model " + model + " vs BM25 " + bm25);
    assertTrue(model > 2 * report.random().recallAt1(), "R@1/100 model " + model + " vs random " + report.random());
  }

  @Test
  void epochsZeroWritesTheInitialisedModel() {
    List<List<String>> corpus = SgdSample.dialogues().subList(0, 20);
    Trainer.Result r = Trainer.train(corpus, small().epochs(0).build());
    assertEquals(0, r.bestEpoch());
    assertTrue(r.epochs().isEmpty());
    ModelBundle b = r.bundle();
    assertEquals(1f, b.tensor("cnn/conv0.bn.gamma.npy").get(0));
    assertEquals(1f, b.tensor("cnn/conv0.bn.variance.npy").get(0));
    assertEquals(0f, b.tensor("cnn/conv0.bias.npy").get(0));
    assertTrue(b.modelId().startsWith("lsm-") && b.modelId().endsWith("-seed42"), b.modelId());
  }
}
