package org.lsmspark.training;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * In-batch softmax over cosine similarities (InfoNCE): window i's prediction should be closer to
 * its own next turn than to the other windows' next turns. Logits are cos(p_i, t_j) / τ; a
 * candidate j whose text equals i's own target is masked out as a negative (it is not wrong).
 * Unlike squared error this cannot be lowered by predicting the mean turn, which is what makes
 * the predictions rank.
 */
final class ContrastiveObjective implements Objective {
  private static final double TINY = 1e-12;
  private final double temperature;

  ContrastiveObjective(double temperature) {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
    }
    this.temperature = temperature;
  }

  @Override
  public double evaluate(float[] predictions, float[] targets, int[] targetIds, int n, int dim, float[] gradient) {
    float[] p = new float[n * dim];
    float[] t = new float[n * dim];
    double[] pNorm = normalize(predictions, p, n, dim);
    normalize(targets, t, n, dim);
    INDArray pm = Nd4j.create(p, new long[] {n, dim}, 'c');
    INDArray tm = Nd4j.create(t, new long[] {n, dim}, 'c');
    float[] logits = pm.mmul(tm.transpose()).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    double loss = 0;
    float[] dLogits = new float[n * n];
    double[] row = new double[n];
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        boolean masked = j != i && targetIds[j] == targetIds[i];
        row[j] = masked ? Double.NEGATIVE_INFINITY : logits[i * n + j] / temperature;
        max = Math.max(max, row[j]);
      }
      double sum = 0;
      for (int j = 0; j < n; j++) {
        row[j] = Math.exp(row[j] - max);
        sum += row[j];
      }
      loss += Math.log(sum) - (logits[i * n + i] / temperature - max);
      for (int j = 0; j < n; j++) {
        double softmax = row[j] / sum;
        // d loss / d logit_ij, with the 1/τ of the logit and the 1/n of the mean
        dLogits[i * n + j] = (float) ((softmax - (i == j ? 1 : 0)) / (temperature * n));
      }
    }
    INDArray dp = Nd4j.create(dLogits, new long[] {n, n}, 'c').mmul(tm);
    float[] dpHat = dp.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    // through the normalisation: d p = (d p̂ − p̂ (p̂ · d p̂)) / ‖p‖
    for (int i = 0; i < n; i++) {
      int o = i * dim;
      double dot = 0;
      for (int k = 0; k < dim; k++) {
        dot += p[o + k] * dpHat[o + k];
      }
      double inv = 1.0 / Math.max(pNorm[i], TINY);
      for (int k = 0; k < dim; k++) {
        gradient[o + k] = (float) ((dpHat[o + k] - p[o + k] * dot) * inv);
      }
    }
    return loss / n;
  }

  /** Unit rows of {@code in} into {@code out} (a zero row stays zero); returns the norms. */
  private static double[] normalize(float[] in, float[] out, int n, int dim) {
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < dim; k++) {
        s += (double) in[i * dim + k] * in[i * dim + k];
      }
      norms[i] = Math.sqrt(s);
      double inv = norms[i] > TINY ? 1.0 / norms[i] : 0.0;
      for (int k = 0; k < dim; k++) {
        out[i * dim + k] = (float) (in[i * dim + k] * inv);
      }
    }
    return norms;
  }
}
