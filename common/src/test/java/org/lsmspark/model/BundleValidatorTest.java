package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BundleValidatorTest {
  private static final int N = 3 * (1 << 20) + 17;

  @Test
  void theFirstBadValueIsReportedWhicheverRangeFindsOneFirst() {
    assertBad("value NaN at flat index 5 is not finite", "w.npy", 5, 7, (1 << 20) + 3);
    assertBad("value NaN at flat index 1048575 is not finite", "w.npy", N - 1, 1 << 20, (1 << 20) - 1);
    assertBad("value NaN at flat index 1048576 is not finite", "w.npy", N - 1, 1 << 20);
    assertBad("value NaN at flat index 3145744 is not finite", "w.npy", N - 1);
  }

  @Test
  void aMaskHoldsOnlyZerosAndOnes() {
    float[] v = new float[N];
    v[2_000_000] = Float.POSITIVE_INFINITY;
    v[1_100_000] = 0.5f;
    v[1] = 1f;
    var e = assertThrows(ModelFormatException.class,
        () -> BundleValidator.checkValues(Map.of("l.mask.npy", Tensor.of(v, N))));
    assertEquals("l.mask.npy: mask value 0.5 at flat index 1100000 is not 0 or 1", e.getMessage());
    v[1_100_000] = 1f;
    e = assertThrows(ModelFormatException.class,
        () -> BundleValidator.checkValues(Map.of("l.mask.npy", Tensor.of(v, N))));
    assertEquals("l.mask.npy: value Infinity at flat index 2000000 is not finite", e.getMessage());
    v[2_000_000] = 0f;
    BundleValidator.checkValues(Map.of("l.mask.npy", Tensor.of(v, N), "w.npy", Tensor.of(new float[] {0.5f}, 1)));
  }

  private static void assertBad(String message, String name, int... nanAt) {
    float[] v = new float[N];
    for (int i : nanAt) {
      v[i] = Float.NaN;
    }
    var e = assertThrows(ModelFormatException.class, () -> BundleValidator.checkValues(Map.of(name, Tensor.of(v, N))));
    assertEquals(name + ": " + message, e.getMessage());
  }
}
