package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Recall@1 of the 1-of-100 protocol on validation windows, to pick the best epoch by what the
 * model is for: the same pools and rank rule as {@code lsm evaluate} ({@link CandidatePools},
 * {@link OneOfHundred#rank}), drawn once from the training corpus's distinct turns.
 */
final class ValidationRanking {
  private final TrainingData data;
  /** [windows, 100] turn ids, the gold first. */
  private final int[] candidates;

  ValidationRanking(TrainingData data, TrainingData.WindowSet set, Tokenizer tokenizer, long seed) {
    this.data = data;
    int n = set.size();
    if (n == 0 || tokenizer.vocabularySize() < CandidatePools.SIZE) {
      candidates = new int[0];
      return;
    }
    candidates = new int[n * CandidatePools.SIZE];
    List<String> golds = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      golds.add(tokenizer.vocabulary().get(set.targets()[i]));
    }
    // the tokenizer's vocabulary is the corpus's distinct turns
    List<String> distinct = new ArrayList<>(tokenizer.vocabulary());
    distinct.sort(Tokenizer.CODE_POINT_ORDER);
    CandidatePools pools = CandidatePools.draw(distinct, golds, seed);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < CandidatePools.SIZE; k++) {
        candidates[i * CandidatePools.SIZE + k] = tokenizer.indexOf(pools.text(i, k));
      }
    }
  }

  /** The fraction of windows whose true next turn scores above all 99 others; NaN without windows or 100 turns. */
  double recallAt1(float[] predictions) {
    int dim = data.dim();
    int n = candidates.length / CandidatePools.SIZE;
    double[] scores = new double[CandidatePools.SIZE];
    int hits = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < scores.length; k++) {
        scores[k] = cosine(predictions, i * dim, data.embedding(candidates[i * CandidatePools.SIZE + k]), dim);
      }
      hits += OneOfHundred.rank(scores) == 1 ? 1 : 0;
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
