package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lsmspark.model.Tensor;

/**
 * Trains a network epoch by epoch on shuffled batches and keeps the best epoch's weights: the
 * highest validation recall@1 of 1-of-100 ranking when there are validation windows, else the
 * lowest training loss. Stops after {@code patience} epochs without improvement.
 */
final class EpochLoop {
  /** How a run went: the kept weights (null when no epoch ran), every epoch, the kept epoch (1-based). */
  record Outcome(Map<String, Tensor> bestWeights, double initialValidationLoss, double initialRecall,
      List<Trainer.EpochStats> epochs, int bestEpoch) {}

  private static final int EVAL_BATCH = 512;

  private final TrainingData data;
  private final TrainingData.WindowSet train;
  private final TrainingData.WindowSet validation;
  private final ValidationRanking ranking;
  private final FitConfig options;
  private final Objective objective;
  private final Trainer.Listener listener;

  EpochLoop(TrainingData data, TrainingData.WindowSet train, TrainingData.WindowSet validation,
      ValidationRanking ranking, FitConfig options, Trainer.Listener listener) {
    this.data = data;
    this.train = train;
    this.validation = validation;
    this.ranking = ranking;
    this.options = options;
    this.objective = Objective.of(options.loss(), options.temperature());
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
    double[] initial = validate(net);
    if (validation.size() > 0) {
      listener.event(String.format("before training: validation loss %.6f, validation R@1/100 %.4f",
          initial[0], initial[1]));
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
      double[] val = validate(net);
      double secs = seconds(t0);
      double trainLoss = sum / seen;
      double score = validation.size() > 0 ? val[1] : -trainLoss;
      boolean improved = score > bestScore;
      if (improved) {
        bestScore = score;
        bestEpoch = epoch;
        best = net.weights();
      }
      Trainer.EpochStats stats = new Trainer.EpochStats(epoch, trainLoss, val[0], val[1], secs, seen / secs);
      history.add(stats);
      listener.epoch(stats, improved);
      if (epoch - bestEpoch >= options.patience()) {
        listener.event(String.format("stopping after epoch %d: no better validation R@1/100 for %d epochs",
            epoch, options.patience()));
        break;
      }
    }
    return new Outcome(best, initial[0], initial[1], history, bestEpoch);
  }

  /** Validation loss (inference mode, batches in order) and recall@1 of 1-of-100 ranking; NaN without windows. */
  private double[] validate(CnnNetwork net) {
    int n = validation.size();
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int dim = data.dim();
    int chunk = Math.min(EVAL_BATCH, n);
    float[] waves = new float[chunk * data.waveSize()];
    float[] targets = new float[chunk * dim];
    int[] targetIds = new int[chunk];
    float[] predictions = new float[n * dim];
    float[] gradient = new float[chunk * dim];
    double loss = 0;
    for (int from = 0; from < n; from += chunk) {
      int m = Math.min(chunk, n - from);
      data.render(validation, null, from, m, waves, targets, targetIds);
      float[] p = net.predict(waves, m);
      loss += objective.evaluate(p, targets, targetIds, m, dim, gradient) * m;
      System.arraycopy(p, 0, predictions, from * dim, m * dim);
    }
    return new double[] {loss / n, ranking.recallAt1(predictions)};
  }

  private static double seconds(long since) {
    return Math.max(1e-9, (System.nanoTime() - since) / 1e9);
  }
}
