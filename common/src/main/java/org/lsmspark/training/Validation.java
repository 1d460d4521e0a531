package org.lsmspark.training;

/**
 * Scores a network on the validation windows after each epoch: the objective's loss in inference
 * mode (batches in order) and recall@1 of 1-of-100 ranking. NaN for both without validation windows.
 */
class Validation {
  /** One scoring: validation loss and recall@1 of 1-of-100 ranking. */
  record Score(double loss, double recall) {}

  private static final int BATCH = 512;

  private final TrainingData data;
  private final TrainingData.WindowSet windows;
  private final ValidationRanking ranking;
  private final Objective objective;

  Validation(TrainingData data, TrainingData.WindowSet windows, ValidationRanking ranking, Objective objective) {
    this.data = data;
    this.windows = windows;
    this.ranking = ranking;
    this.objective = objective;
  }

  boolean isEmpty() {
    return windows.size() == 0;
  }

  Score score(CnnNetwork net) {
    int n = windows.size();
    if (n == 0) {
      return new Score(Double.NaN, Double.NaN);
    }
    int dim = data.dim();
    int chunk = Math.min(BATCH, n);
    float[] waves = new float[chunk * data.waveSize()];
    float[] targets = new float[chunk * dim];
    int[] targetIds = new int[chunk];
    float[] predictions = new float[n * dim];
    float[] gradient = new float[chunk * dim];
    double loss = 0;
    for (int from = 0; from < n; from += chunk) {
      int m = Math.min(chunk, n - from);
      data.render(windows, null, from, m, waves, targets, targetIds);
      float[] p = net.predict(waves, m);
      loss += objective.evaluate(p, targets, targetIds, m, dim, gradient) * m;
      System.arraycopy(p, 0, predictions, from * dim, m * dim);
    }
    return new Score(loss / n, ranking.recallAt1(predictions));
  }
}
