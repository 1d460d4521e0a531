package org.lsmspark.training;

/** Mean squared error over every value of the batch (format v1's objective). */
final class MseObjective implements Objective {
  @Override
  public double evaluate(float[] predictions, float[] targets, int[] targetIds, int n, int dim, float[] gradient) {
    int size = n * dim;
    double sum = 0;
    for (int i = 0; i < size; i++) {
      double d = predictions[i] - targets[i];
      sum += d * d;
      gradient[i] = (float) (2 * d / size);
    }
    return sum / size;
  }
}
