package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junitpioneer.jupiter.RestoreSystemProperties;
import org.lsmspark.simd.VectorApi;
import org.lsmspark.simd.VectorApiTesting;

/**
 * Which lane kernel runs: the vector one wherever the JVM offers the module (these tests run with
 * it), the scalar one when switched off or without the module, where loading the decode must not
 * fail (a spark-submit without the flag). The kernels' sums are {@link FactoredScoresTest}'s.
 */
class LaneKernelTest {
  private static final int[] ROW_START = {0, 2};
  private static final int[] TERMS = {0, 1};
  private static final float[] SCALES = {0.5f};
  private static final float[] BOUNDS = {0f};

  /**
   * The layout orders vectors by column count, then by number (what a sort of the pairs gives), and
   * carries each vector's columns, scale and bound along: a counting sort off by one bucket, unstable,
   * or a copy from the wrong vector fails it.
   */
  @Test
  void theLayoutOrdersVectorsByColumnCountThenNumber() {
    Random rng = new Random(5);
    int n = 2_000;
    int[] rowStart = new int[n + 1];
    for (int g = 0; g < n; g++) {
      rowStart[g + 1] = rowStart[g] + (g % 97 == 0 ? 0 : rng.nextInt(g % 5 == 0 ? 40 : 12));
    }
    int[] terms = rng.ints(rowStart[n], 0, 500).toArray();
    float[] scales = new float[n];
    float[] bounds = new float[n];
    for (int g = 0; g < n; g++) {
      scales[g] = g + 0.5f;
      bounds[g] = -g;
    }
    LaneKernel.Layout layout = LaneKernel.Layout.byColumnCount(rowStart, terms, scales, bounds);
    Integer[] expected = new Integer[n];
    Arrays.setAll(expected, g -> g);
    Arrays.sort(expected, (a, b) -> a.equals(b) ? 0 : rowStart[a + 1] - rowStart[a] != rowStart[b + 1] - rowStart[b]
        ? Integer.compare(rowStart[a + 1] - rowStart[a], rowStart[b + 1] - rowStart[b]) : Integer.compare(a, b));
    assertArrayEquals(Arrays.stream(expected).mapToInt(Integer::intValue).toArray(), layout.order());
    for (int i = 0; i < n; i++) {
      int g = layout.order()[i];
      assertArrayEquals(Arrays.copyOfRange(terms, rowStart[g], rowStart[g + 1]),
          Arrays.copyOfRange(layout.terms(), layout.rowStart()[i], layout.rowStart()[i + 1]), "position " + i);
      assertEquals(scales[g], layout.scales()[i]);
      assertEquals(bounds[g], layout.bounds()[i]);
    }
  }

  @Test
  void theVectorKernelRunsWhereTheModuleIs() {
    int bits = VectorApi.bits();
    assertTrue(bits >= 128, "these tests run with --add-modules=jdk.incubator.vector: " + bits);
    LaneKernel k = LaneKernel.best(ROW_START, TERMS, SCALES, BOUNDS);
    if (bits >= 256) {
      assertInstanceOf(VectorLaneKernel.class, k);
      assertEquals(bits >= 512 ? "Vector API lane kernel (512-bit)" : "Vector API lane kernel (2 × 256-bit)",
          k.describe());
    }
  }

  @Test
  @RestoreSystemProperties
  void thePropertySwitchesItOff() {
    System.setProperty(VectorApi.PROPERTY, "false");
    LaneKernel k = LaneKernel.best(ROW_START, TERMS, SCALES, BOUNDS);
    assertInstanceOf(ScalarLaneKernel.class, k);
    assertEquals("scalar lane kernel (lsm.vector=false for the Vector API one)", k.describe());
  }

  @Test
  void withoutTheModuleTheScalarKernelRunsAndScores() throws IOException, InterruptedException {
    assertEquals("scalar lane kernel (start the JVM with --add-modules=jdk.incubator.vector for the Vector API one) 1.5",
        VectorApiTesting.runWithoutModule(WithoutModule.class));
  }

  /** Run in a JVM without the module: the kernel it picks and one score. */
  static final class WithoutModule {
    public static void main(String[] args) {
      LaneKernel k = LaneKernel.best(ROW_START, TERMS, SCALES, BOUNDS);
      float[] y = new float[2 * FactoredScores.LANES];
      y[0] = 1f;
      y[FactoredScores.LANES] = 2f;
      float[] floors = new float[FactoredScores.LANES];
      java.util.Arrays.fill(floors, Float.NEGATIVE_INFINITY);
      float[] out = new float[FactoredScores.LANES];
      k.scoreListed(y, 0, 1, floors, new int[1], out);
      System.out.println(k.describe() + " " + out[0]);
    }
  }
}
