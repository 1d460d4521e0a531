package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lsmspark.model.Tensor;

/**
 * Trains a network epoch by epoch on shuffled batches and keeps the best epoch's weights: the
 * highest validation recall@1 of 1-of-100 ranking, else (fewer than 100 distinct turns) the lowest
 * validation loss, else (no validation windows) the lowest training loss. Stops after
 * {@code patience} epochs without improvement.
 */
final class EpochLoop {
  /** How a run went: the kept weights (null when no epoch ran), every epoch, the kept epoch (1-based). */
  record Outcome(Map<String, Tensor> bestWeights, double initialValidationLoss, double initialRecall,
      List<Trainer.EpochStats> epochs, int bestEpoch) {}

  private final TrainingData data;
  private final TrainingData.WindowSet train;
  private final Validation validation;
  private final FitConfig options;
  private final Objective objective;
  private final Trainer.Listener listener;

  EpochLoop(TrainingData data, TrainingData.WindowSet train, Validation validation, Objective objective,
      FitConfig options, Trainer.Listener listener) {
    this.data = data;
    this.train = train;
    this.validation = validation;
    this.options = options;
    this.objective = objective;
    this.listener = listener;
  }

  Outcome run(CnnNetwork net, Random rng) {
    int n = train.size();
    int batch = Math.min(options.batchSize(), n);
    int batches = (n + batch - 1) / batch;
    float[] waves = new float[batch * data.waveSize()];
    float[] targets = new float[batch * data.dim()];
    int[] targetIds = new int[batch];
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    Validation.Score initial = validation.score(net);
    if (!validation.isEmpty()) {
      listener.event(String.format("before training: validation loss %.6f, validation R@1/100 %.4f",
          initial.loss(), initial.recall()));
    }
    List<Trainer.EpochStats> history = new ArrayList<>();
    Map<String, Tensor> best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      long t0 = System.nanoTime();
      double sum = 0;
      // drop the last partial batch: a contrastive batch of a few windows has too few negatives
      int full = n >= batch ? n / batch : 1;
      int steps = options.loss() == TrainingOptions.Loss.CONTRASTIVE ? full : batches;
      int seen = 0;
      for (int b = 0; b < steps; b++) {
        int from = b * batch;
        int m = Math.min(batch, n - from);
        data.render(train, perm, from, m, waves, targets, targetIds);
        double loss = net.trainBatch(waves, m, targets, targetIds, objective, rng);
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("training diverged in epoch " + epoch + ", batch " + (b + 1)
              + ": loss " + loss + "; try a lower --learning-rate");
        }
        sum += loss * m;
        seen += m;
        listener.batch(epoch, options.epochs(), b + 1, steps, sum / seen, seen / seconds(t0));
      }
      Validation.Score val = validation.score(net);
      double secs = seconds(t0);
      double trainLoss = sum / seen;
      double score = !Double.isNaN(val.recall()) ? val.recall() : !Double.isNaN(val.loss()) ? -val.loss() : -trainLoss;
      boolean improved = score > bestScore;
      if (improved) {
        bestScore = score;
        bestEpoch = epoch;
        best = net.weights();
      }
      Trainer.EpochStats stats = new Trainer.EpochStats(epoch, trainLoss, val.loss(), val.recall(), secs, seen / secs);
      history.add(stats);
      listener.epoch(stats, improved);
      if (epoch - bestEpoch >= options.patience()) {
        listener.event(String.format("stopping after epoch %d: no better validation R@1/100 for %d epochs",
            epoch, options.patience()));
        break;
      }
    }
    return new Outcome(best, initial.loss(), initial.recall(), history, bestEpoch);
  }

  private static double seconds(long since) {
    return Math.max(1e-9, (System.nanoTime() - since) / 1e9);
  }
}
