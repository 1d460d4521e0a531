package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TruncatedSvdTest {

  /** 1500 x 400, 12 planted sparse directions of distinct strength plus sparse positive noise. */
  private static CsrMatrix plantedSpectrum() {
    int rows = 1500;
    int cols = 400;
    int topics = 12;
    Random random = new Random(42);
    int[] rowStart = new int[rows + 1];
    List<Integer> colIndex = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      int topic = r % topics;
      double strength = 10.0 - 0.6 * topic;
      double[] row = new double[cols];
      // topic i owns columns [30 i, 30 i + 30): disjoint supports, orthogonal directions
      for (int c = 30 * topic; c < 30 * topic + 30; c++) {
        row[c] = strength * (1 + 0.01 * (c % 7));
      }
      for (int c = 0; c < cols; c++) {
        if (random.nextDouble() < 0.03) {
          row[c] += 0.1 * random.nextDouble();
        }
      }
      for (int c = 0; c < cols; c++) {
        if (row[c] != 0) {
          colIndex.add(c);
          values.add(row[c]);
        }
      }
      rowStart[r + 1] = colIndex.size();
    }
    return new CsrMatrix(rows, cols, rowStart, colIndex.stream().mapToInt(Integer::intValue).toArray(),
        values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  @Test
  void randomizedAgreesWithExactOnAClearSpectralGap() {
    CsrMatrix x = plantedSpectrum();
    int k = 12;
    TruncatedSvd.Result exact = TruncatedSvd.exact(x, k);
    TruncatedSvd.Result randomized = TruncatedSvd.randomized(x, k, TruncatedSvd.sampleSize(x, k),
        TruncatedSvd.POWER_ITERATIONS, TruncatedSvd.SEED);
    for (int i = 0; i < k; i++) {
      assertEquals(exact.values()[i], randomized.values()[i], 1e-9 * exact.values()[0], "singular value " + i);
      for (int j = 0; j < x.cols; j++) {
        assertEquals(exact.vectors()[i][j], randomized.vectors()[i][j], 1e-4, "vector " + i + " entry " + j);
      }
    }
  }

  @Test
  void randomizedIsDeterministic() {
    CsrMatrix x = plantedSpectrum();
    TruncatedSvd.Result a = TruncatedSvd.randomized(x, 5, 20, 3, 7);
    TruncatedSvd.Result b = TruncatedSvd.randomized(x, 5, 20, 3, 7);
    for (int i = 0; i < 5; i++) {
      assertEquals(a.values()[i], b.values()[i]);
      assertArrayEquals(a.vectors()[i], b.vectors()[i]);
    }
  }

  @Test
  void exactPadsBeyondTheRankWithZeroVectors() {
    // 2 x 5 matrix: rank 2, so vectors 2 and 3 of a k = 4 request are zero
    CsrMatrix x = new CsrMatrix(2, 5, new int[] {0, 2, 3}, new int[] {0, 3, 1}, new double[] {3, 4, 2});
    TruncatedSvd.Result r = TruncatedSvd.exact(x, 4);
    assertEquals(5.0, r.values()[0], 1e-12);
    assertEquals(2.0, r.values()[1], 1e-12);
    assertEquals(0.0, r.values()[3]);
    assertArrayEquals(new double[] {0.6, 0, 0, 0.8, 0}, r.vectors()[0], 1e-12);
    assertArrayEquals(new double[] {0, 1, 0, 0, 0}, r.vectors()[1], 1e-12);
    assertArrayEquals(new double[5], r.vectors()[3]);
  }
}
