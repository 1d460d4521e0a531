package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lsmspark.cnn.WaveCnn;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.ModelBundle;

class TrainerTest {

  /** A small architecture, so that the tests stay fast. */
  static TrainingOptions.Builder small() {
    return TrainingOptions.builder().windowSize(4).embeddingDim(16).maxFeatures(500).reservoirUnits(List.of(24, 12))
        .convFilters(List.of(8, 8)).convKernels(List.of(3, 3)).denseUnits(List.of(16)).batchSize(32);
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
    TrainingOptions o = small().epochs(1).maxWindows(100).seed(5).build();
    ModelBundle a = Trainer.train(corpus, o).bundle();
    ModelBundle b = Trainer.train(corpus, o).bundle();
    assertEquals(a.fingerprint(), b.fingerprint());
    assertEquals(a.tensors(), b.tensors());
    ModelBundle c = Trainer.train(corpus, small().epochs(1).maxWindows(100).seed(6).build()).bundle();
    assertNotEquals(a.fingerprint(), c.fingerprint());
    assertEquals(a.terms(), c.terms(), "the tokenizer does not depend on the seed");
  }

  @Test
  void validationLossFallsOnAFewHundredSgdDialogues() {
    List<List<String>> corpus = SgdSample.dialogues();
    assertEquals(300, corpus.size());
    List<Trainer.EpochStats> epochs = new ArrayList<>();
    Trainer.Result r = Trainer.train(corpus, small().epochs(3).maxWindows(800).learningRate(0.01).build(),
        new Trainer.Listener() {
          @Override
          public void epoch(Trainer.EpochStats stats, boolean best) {
            epochs.add(stats);
          }
        });
    assertEquals(3, r.epochs().size());
    assertEquals(r.epochs(), epochs);
    assertEquals(30, r.validationDialogues());
    assertEquals(800, r.trainWindows());
    double first = r.epochs().get(0).validationLoss();
    double best = r.epochs().get(r.bestEpoch() - 1).validationLoss();
    assertTrue(best < r.initialValidationLoss(), "best " + best + " vs initial " + r.initialValidationLoss());
    assertTrue(r.epochs().get(2).validationLoss() < first, "validation losses " + r.epochs());
    assertTrue(r.epochs().get(2).trainLoss() < r.epochs().get(0).trainLoss(), "training losses " + r.epochs());
    // the kept weights are the best epoch's and predict as LsmModel does
    LsmModel model = LsmModel.of(r.bundle());
    assertEquals(WaveCnn.class, WaveCnn.of(r.bundle()).getClass());
    assertEquals(16, model.embedWindow(List.of("", "", "hello", "I want to book a table")).length);
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
