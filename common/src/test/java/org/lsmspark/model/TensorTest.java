package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void ofAndToArrayCopyWhileSharedArrayIsTheTensorsOwnValues() {
    float[] given = {1f, 2f, 3f, 4f, 5f, 6f};
    Tensor t = Tensor.of(given, 2, 3);
    given[0] = 99f;
    float[] copy = t.toArray();
    copy[1] = 99f;
    assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, t.toArray());

    float[] shared = t.sharedArray();
    assertSame(shared, t.sharedArray()); // readers of a large tensor hold it once
    assertNotSame(given, shared);
    assertArrayEquals(t.toArray(), shared);
  }
}
