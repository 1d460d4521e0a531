package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdamTest {
  @Test
  void twoStepsFollowTheBiasCorrectedMoments() {
    Adam adam = new Adam(0.1);
    int h = adam.register(2);
    float[] w = {1f, -2f};
    adam.nextStep();
    adam.update(h, w, new float[] {0.5f, -4f});
    // step 1: m̂ = g, v̂ = g², so each weight moves by lr·g/(|g| + ε)
    assertEquals(1 - 0.1 * 0.5 / (0.5 + 1e-7), w[0], 1e-6);
    assertEquals(-2 + 0.1 * 4 / (4 + 1e-7), w[1], 1e-6);
    adam.nextStep();
    float w0 = w[0];
    adam.update(h, w, new float[] {1.5f, 0f});
    double m = 0.9 * (0.1 * 0.5) + 0.1 * 1.5;
    double v = 0.999 * (0.001 * 0.25) + 0.001 * 2.25;
    double lr = 0.1 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
    assertEquals(w0 - lr * m / (Math.sqrt(v) + 1e-7), w[0], 1e-6);
  }

  @Test
  void refusesUpdatesBeforeAStepAndMismatchedSizes() {
    Adam adam = new Adam(0.01);
    int h = adam.register(3);
    assertThrows(IllegalStateException.class, () -> adam.update(h, new float[3], new float[3]));
    adam.nextStep();
    assertThrows(IllegalArgumentException.class, () -> adam.update(h, new float[2], new float[2]));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0));
  }
}
