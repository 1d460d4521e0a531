package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ContrastiveObjectiveTest {
  private static final int N = 6;
  private static final int DIM = 5;
  private static final double TAU = 0.1;
  /** Windows 1 and 4 share a next turn: neither is the other's negative. */
  private static final int[] IDS = {0, 7, 2, 3, 7, 5};

  /** The loss written out plainly from its definition, in double precision. */
  private static double reference(float[] p, float[] t) {
    double loss = 0;
    for (int i = 0; i < N; i++) {
      double[] logits = new double[N];
      for (int j = 0; j < N; j++) {
        logits[j] = cosine(p, i, t, j) / TAU;
      }
      double sum = 0;
      for (int j = 0; j < N; j++) {
        if (j == i || IDS[j] != IDS[i]) {
          sum += Math.exp(logits[j]);
        }
      }
      loss += -logits[i] + Math.log(sum);
    }
    return loss / N;
  }

  private static double cosine(float[] a, int i, float[] b, int j) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int k = 0; k < DIM; k++) {
      dot += a[i * DIM + k] * b[j * DIM + k];
      aa += a[i * DIM + k] * a[i * DIM + k];
      bb += b[j * DIM + k] * b[j * DIM + k];
    }
    return dot / Math.sqrt(aa * bb);
  }

  private static float[] gaussian(Random rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return v;
  }

  @Test
  void lossIsTheMaskedInBatchSoftmaxAndTheGradientIsItsDerivative() {
    Random rng = new Random(11);
    float[] p = gaussian(rng, N * DIM);
    float[] t = gaussian(rng, N * DIM);
    float[] gradient = new float[N * DIM];
    ContrastiveObjective objective = new ContrastiveObjective(TAU);
    double loss = objective.evaluate(p, t, IDS, N, DIM, gradient);
    assertEquals(reference(p, t), loss, 1e-5);
    double h = 1e-3;
    for (int k = 0; k < p.length; k++) {
      float keep = p[k];
      p[k] = (float) (keep + h);
      double up = reference(p, t);
      p[k] = (float) (keep - h);
      double down = reference(p, t);
      p[k] = keep;
      assertEquals((up - down) / (2 * h), gradient[k], 2e-3, "d loss / d p[" + k + "]");
    }
  }

  @Test
  void aWindowWhoseTargetAnotherWindowSharesIsNotPenalisedForIt() {
    // two windows with the same next turn and identical predictions: unmasked, each would count
    // the other's (identical) target as a negative as good as its own
    float[] p = {1, 0, 0, 0, 1, 0};
    float[] t = {1, 0, 0, 0, 1, 0};
    float[] g = new float[6];
    double masked = new ContrastiveObjective(0.5).evaluate(p, t, new int[] {4, 9}, 2, 3, g);
    double unmasked = new ContrastiveObjective(0.5).evaluate(p, t, new int[] {4, 4}, 2, 3, g);
    assertTrue(unmasked < masked, "two equal targets are one candidate: " + unmasked + " vs " + masked);
    assertEquals(0, unmasked, 1e-9, "a lone positive has softmax 1");
  }

  @Test
  void aZeroPredictionOrTargetIsScoredZeroWithoutNaN() {
    float[] p = {0, 0, 1, 1};
    float[] t = {0, 0, 0, 2};
    float[] g = new float[4];
    double loss = new ContrastiveObjective(1).evaluate(p, t, new int[] {0, 1}, 2, 2, g);
    assertTrue(Double.isFinite(loss));
    for (float v : g) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void temperatureMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new ContrastiveObjective(0));
    assertThrows(IllegalArgumentException.class, () -> new ContrastiveObjective(Double.NaN));
  }
}
