package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MseObjectiveTest {
  @Test
  void meanOverEveryValueWithItsGradient() {
    float[] p = {1, 2, 3, 4};
    float[] t = {1, 0, 3, 1};
    float[] g = new float[4];
    double loss = new MseObjective().evaluate(p, t, new int[] {0, 1}, 2, 2, g);
    assertEquals((0 + 4 + 0 + 9) / 4.0, loss, 1e-12);
    assertArrayEquals(new float[] {0, 2 * 2 / 4f, 0, 2 * 3 / 4f}, g, 1e-7f);
  }
}
