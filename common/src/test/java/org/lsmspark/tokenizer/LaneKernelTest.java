package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.lsmspark.simd.VectorApi;

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
  void thePropertySwitchesItOff() {
    String before = System.getProperty(VectorApi.PROPERTY);
    System.setProperty(VectorApi.PROPERTY, "false");
    try {
      LaneKernel k = LaneKernel.best(ROW_START, TERMS, SCALES, BOUNDS);
      assertInstanceOf(ScalarLaneKernel.class, k);
      assertEquals("scalar lane kernel (lsm.vector=false for the Vector API one)", k.describe());
    } finally {
      if (before == null) {
        System.clearProperty(VectorApi.PROPERTY);
      } else {
        System.setProperty(VectorApi.PROPERTY, before);
      }
    }
  }

  @Test
  void withoutTheModuleTheScalarKernelRunsAndScores() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        WithoutModule.class.getName())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals("scalar lane kernel (start the JVM with --add-modules=jdk.incubator.vector for the Vector API one) 1.5",
        out.strip());
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
