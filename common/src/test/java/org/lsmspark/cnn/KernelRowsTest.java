package org.lsmspark.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junitpioneer.jupiter.RestoreSystemProperties;
import org.lsmspark.simd.VectorApi;
import org.lsmspark.simd.VectorApiTesting;

/**
 * The inner loops' implementations give the same floats, bit for bit, for every length (the Vector
 * API's whole vectors and its scalar tail), and which one runs: the vector rows wherever the JVM
 * offers the module (these tests run with it), the scalar ones when switched off or without it.
 * The convolution's order is {@link FloatConvTest}'s.
 */
class KernelRowsTest {

  /** The scalar rows and, where this JVM runs them, the vector ones. */
  static List<KernelRows> all() {
    List<KernelRows> all = new ArrayList<>();
    all.add(new ScalarKernelRows("test"));
    if (VectorApi.bits() > 0) {
      all.add(KernelRows.vector());
    }
    return all;
  }

  @Test
  void everyLengthAddsTheSameFloats() {
    Random rng = new Random(5);
    KernelRows scalar = new ScalarKernelRows("test");
    for (KernelRows rows : all()) {
      for (int n = 0; n <= 70; n++) {
        float[][] k = new float[4][n];
        for (float[] row : k) {
          for (int o = 0; o < n; o++) {
            row[o] = (float) rng.nextGaussian();
          }
        }
        float[] y = new float[n];
        for (int o = 0; o < n; o++) {
          y[o] = o % 5 == 0 ? -0f : (float) rng.nextGaussian();
        }
        float[] x = {(float) rng.nextGaussian(), 0f, (float) rng.nextGaussian(), -0f};
        float[] want = y.clone();
        float[] got = y.clone();
        scalar.add4(want, k[0], k[1], k[2], k[3], x[0], x[1], x[2], x[3]);
        rows.add4(got, k[0], k[1], k[2], k[3], x[0], x[1], x[2], x[3]);
        scalar.add3(want, k[1], k[2], k[3], x[2], x[0], x[3]);
        rows.add3(got, k[1], k[2], k[3], x[2], x[0], x[3]);
        scalar.add2(want, k[3], k[0], x[0], x[2]);
        rows.add2(got, k[3], k[0], x[0], x[2]);
        scalar.add1(want, k[2], x[3]);
        rows.add1(got, k[2], x[3]);
        assertArrayEquals(want, got, rows.describe() + ", " + n + " outputs");
        // the defined sums, written out: catches the scalar rows drifting too
        for (int o = 0; o < n; o++) {
          float v = y[o] + x[0] * k[0][o] + x[1] * k[1][o] + x[2] * k[2][o] + x[3] * k[3][o];
          v = v + x[2] * k[1][o] + x[0] * k[2][o] + x[3] * k[3][o];
          v = v + x[0] * k[3][o] + x[2] * k[0][o];
          v += x[3] * k[2][o];
          assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(got[o]), rows.describe() + " output " + o);
        }
      }
    }
  }

  @Test
  void theVectorRowsRunWhereTheModuleIs() {
    int bits = VectorApi.bits();
    assertTrue(bits >= 128, "these tests run with --add-modules=jdk.incubator.vector: " + bits);
    if (bits >= 256) {
      KernelRows rows = KernelRows.best();
      assertInstanceOf(VectorKernelRows.class, rows);
      assertEquals("Vector API kernel rows (" + bits + "-bit)", rows.describe());
    }
  }

  @Test
  @RestoreSystemProperties
  void thePropertySwitchesThemOff() {
    System.setProperty(VectorApi.PROPERTY, "false");
    KernelRows rows = KernelRows.best();
    assertInstanceOf(ScalarKernelRows.class, rows);
    assertEquals("scalar kernel rows (lsm.vector=false for the Vector API ones)", rows.describe());
  }

  @Test
  void withoutTheModuleTheScalarRowsRunAConv() throws IOException, InterruptedException {
    assertEquals("scalar kernel rows (start the JVM with --add-modules=jdk.incubator.vector for the Vector API ones) 3.5",
        VectorApiTesting.runWithoutModule(WithoutModule.class));
  }

  /** Run in a JVM without the module: the rows it picks and a 1×1 conv of 32 outputs. */
  static final class WithoutModule {
    public static void main(String[] args) {
      KernelRows rows = KernelRows.best();
      float[] kernel = new float[2 * 32];
      kernel[0] = 1f;
      kernel[32] = 2f;
      float[] y = new FloatConv(1, 2, 32, kernel, new float[32], null, rows).apply(new float[] {1.5f, 1f}, 1, 1, 1);
      System.out.println(rows.describe() + " " + y[0]);
    }
  }
}
