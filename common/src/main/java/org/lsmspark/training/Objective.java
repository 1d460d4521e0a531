package org.lsmspark.training;

/**
 * What training minimises, as a function of a batch of predicted embeddings: the mean loss and
 * its gradient with respect to every predicted value. The networks only back-propagate that
 * gradient, so every objective works with every network.
 */
public interface Objective {

  /**
   * @param predictions [n, dim] row-major
   * @param targets [n, dim] row-major, the embeddings of the true next turns
   * @param targetIds [n] an id per target text: equal ids mean the same text
   * @param gradient [n, dim] receives d(mean loss)/d(predictions)
   * @return the mean loss over the batch
   */
  double evaluate(float[] predictions, float[] targets, int[] targetIds, int n, int dim, float[] gradient);

  /** The objective {@code lsm train --loss NAME} names. */
  static Objective of(TrainingOptions.Loss loss, double temperature) {
    return switch (loss) {
      case MSE -> new MseObjective();
      case CONTRASTIVE -> new ContrastiveObjective(temperature);
    };
  }
}
