package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SparseVectorTest {
  @Test
  void dotMultipliesOnlySharedIndices() {
    SparseVector a = new SparseVector(new int[] {1, 4, 9}, new double[] {0.5, 2, 3});
    SparseVector b = new SparseVector(new int[] {0, 4, 9, 12}, new double[] {7, 0.25, -1, 5});
    assertEquals(0.5 - 3, a.dot(b));
    assertEquals(a.dot(b), b.dot(a));
    assertEquals(0.0, a.dot(SparseVector.EMPTY));
  }

  @Test
  void indicesMustAscend() {
    assertThrows(IllegalArgumentException.class, () -> new SparseVector(new int[] {3, 3}, new double[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> new SparseVector(new int[] {1}, new double[] {1, 2}));
  }
}
