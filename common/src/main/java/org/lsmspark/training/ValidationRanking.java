package org.lsmspark.training;

import java.util.Random;

/**
 * Recall@1 of 1-of-100 ranking on validation windows, to pick the best epoch by what the model is
 * for: each window's true next turn among itself and 99 other distinct turns of the corpus drawn
 * once from the seed, ranked by cosine with the prediction; ties count against the true turn.
 */
final class ValidationRanking {
  static final int CANDIDATES = 100;

  private final TrainingData data;
  /** [windows, 100]: the true turn first, then the distractors. */
  private final int[] candidates;

  ValidationRanking(TrainingData data, TrainingData.WindowSet set, int vocabularySize, Random rng) {
    this.data = data;
    int n = set.size();
    candidates = new int[n * CANDIDATES];
    if (vocabularySize < CANDIDATES) {
      throw new IllegalArgumentException("1-of-100 ranking needs at least 100 distinct turns, the corpus has "
          + vocabularySize);
    }
    for (int i = 0; i < n; i++) {
      int gold = set.targets()[i];
      int o = i * CANDIDATES;
      candidates[o] = gold;
      int filled = 1;
      while (filled < CANDIDATES) {
        int c = rng.nextInt(vocabularySize);
        boolean fresh = c != gold;
        for (int k = 1; k < filled && fresh; k++) {
          fresh = candidates[o + k] != c;
        }
        if (fresh) {
          candidates[o + filled++] = c;
        }
      }
    }
  }

  /** The fraction of windows whose true next turn scores strictly above all 99 others. */
  double recallAt1(float[] predictions) {
    int dim = data.dim();
    int n = candidates.length / CANDIDATES;
    int hits = 0;
    for (int i = 0; i < n; i++) {
      double gold = cosine(predictions, i * dim, data.embedding(candidates[i * CANDIDATES]), dim);
      boolean best = true;
      for (int k = 1; k < CANDIDATES && best; k++) {
        best = cosine(predictions, i * dim, data.embedding(candidates[i * CANDIDATES + k]), dim) < gold;
      }
      hits += best ? 1 : 0;
    }
    return n == 0 ? Double.NaN : (double) hits / n;
  }

  private static double cosine(float[] p, int offset, float[] e, int dim) {
    double dot = 0;
    double pp = 0;
    double ee = 0;
    for (int k = 0; k < dim; k++) {
      dot += (double) p[offset + k] * e[k];
      pp += (double) p[offset + k] * p[offset + k];
      ee += (double) e[k] * e[k];
    }
    return pp == 0 || ee == 0 ? 0 : dot / Math.sqrt(pp * ee);
  }
}
