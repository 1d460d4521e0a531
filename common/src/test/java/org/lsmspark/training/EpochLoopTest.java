package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TestModels;
import org.lsmspark.reservoir.Reservoir;

class EpochLoopTest {

  /** Counts its epochs in its only weight, so a snapshot tells which epoch it was taken after. */
  private static final class CountingNetwork implements CnnNetwork {
    int steps;

    @Override
    public double trainBatch(float[] waves, int n, float[] targets, int[] targetIds, Objective objective, Random rng) {
      steps++;
      return 1.0 / steps;
    }

    @Override
    public float[] predict(float[] waves, int n) {
      return new float[n * 12];
    }

    @Override
    public Map<String, Tensor> weights() {
      return Map.of("cnn/steps.npy", Tensor.of(new float[] {steps}, 1));
    }
  }

  /** Returns scripted recalls, one per call: before training, then after each epoch. */
  private static final class ScriptedValidation extends Validation {
    private final double[] recalls;
    private int calls;

    ScriptedValidation(double... recalls) {
      super(null, null, null, null);
      this.recalls = recalls;
    }

    @Override
    boolean isEmpty() {
      return false;
    }

    @Override
    Score score(CnnNetwork net) {
      return new Score(0, recalls[calls++]);
    }
  }

  private static FitConfig fit(int epochs, int batch, int patience) {
    return new FitConfig(epochs, batch, 0.001, 0.1, 0, 1, 1, 0, TrainingOptions.Loss.CONTRASTIVE, 0.05, 0, patience);
  }

  @Test
  void keepsTheBestEpochsWeightsAndStopsAfterPatienceEpochsWithoutBetter() {
    ModelBundle bundle = TestModels.builder().dim(12).build();
    LsmModel model = LsmModel.of(bundle);
    TrainingData data = new TrainingData(bundle.config(), model.tokenizer(), Reservoir.of(bundle));
    List<List<String>> dialogues = List.of(bundle.vocabulary().subList(0, 20), bundle.vocabulary().subList(20, 40));
    TrainingData.WindowSet train = data.windows(dialogues, Windows.of(dialogues, List.of(0, 1)));
    assertEquals(38, train.size());
    CountingNetwork net = new CountingNetwork();
    List<Boolean> bests = new ArrayList<>();
    // epochs of 38 windows in batches of 10 drop the partial batch: 3 steps each
    EpochLoop.Outcome out = new EpochLoop(data, train, new ScriptedValidation(0.1, 0.3, 0.5, 0.4, 0.45, 0.9),
        new MseObjective(), fit(6, 10, 2), new Trainer.Listener() {
          @Override
          public void epoch(Trainer.EpochStats stats, boolean best) {
            bests.add(best);
          }
        }).run(net, new Random(1));
    assertEquals(2, out.bestEpoch());
    assertEquals(6f, out.bestWeights().get("cnn/steps.npy").get(0), "the weights after epoch 2, not the last ones");
    assertEquals(List.of(true, true, false, false), bests, "stopped after epochs 3 and 4 brought nothing better");
    assertEquals(4, out.epochs().size());
    assertEquals(0.1, out.initialRecall());
    assertEquals(0.5, out.epochs().get(1).validationRecall());
  }
}
