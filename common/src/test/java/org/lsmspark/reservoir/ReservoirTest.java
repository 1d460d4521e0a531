package org.lsmspark.reservoir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.lsmspark.model.Golden;
import org.lsmspark.model.ModelBundle;

class ReservoirTest {
  private final ModelBundle bundle = Golden.V1.bundle();

  @Test
  void sineActivationFollowsTheFormula() {
    // one unit, one input: h = a·exp(−d·|z|)·sin(f·z) with z = x·w + b
    double z = (double) 0.7f * 1.5f + 0.2f;
    double expected = 1.0 * Math.exp(-0.1 * Math.abs(z)) * Math.sin(2.0 * z);
    assertEquals(expected, TinyModels.oneUnit(1.5f, 1f, 0.2f, 2.0).run(new float[] {0.7f})[0][0], 1e-12);
    // a masked-out weight contributes nothing
    double masked = Math.exp(-0.1 * 0.2f) * Math.sin(2.0 * 0.2f);
    assertEquals(masked, TinyModels.oneUnit(1.5f, 0f, 0.2f, 2.0).run(new float[] {0.7f})[0][0], 1e-12);
  }

  @Test
  void aTurnKeepsItsEmbeddingAndEveryLayerOutput() {
    Reservoir reservoir = Reservoir.of(bundle);
    float[] e = new float[32];
    e[3] = 0.5f;
    e[7] = -0.25f;
    TurnState turn = reservoir.turn(e);
    e[3] = 9f; // the turn holds its own copy
    double[][] outputs = reservoir.run(turn.embedding());
    assertEquals(0.5f, turn.embedding()[3]);
    assertEquals(reservoir.layerCount(), turn.layerCount());
    for (int l = 0; l < outputs.length; l++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(outputs[l], turn.layerOutput(l));
    }
  }

  @Test
  void rejectsAnEmbeddingOfTheWrongSize() {
    Reservoir reservoir = Reservoir.of(bundle);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reservoir.run(new float[3]));
    assertEquals("embedding has 3 values, expected 32", e.getMessage());
  }
}
