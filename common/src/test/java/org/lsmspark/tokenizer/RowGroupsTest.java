package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RowGroups} against a map from each row's bits to its group: rows equal bit for bit share
 * a group numbered by its first row and listing its rows ascending, rows that differ (−0 against 0,
 * or only in a bit the hash misses) do not, all-zero rows are no group, and the norms are each
 * row's sum of squares in order.
 */
class RowGroupsTest {

  @Test
  void rowsEqualBitForBitShareAGroupAndNoOthersDo() {
    Random rng = new Random(9);
    int dim = 6;
    int distinct = 700;
    float[][] pool = new float[distinct][dim];
    for (float[] row : pool) {
      for (int d = 0; d < dim; d++) {
        row[d] = rng.nextInt(4) == 0 ? 0f : (float) rng.nextGaussian();
      }
    }
    pool[1][2] = -0f; // differs from row 0 only in a zero's sign
    pool[0] = pool[1].clone();
    pool[0][2] = 0f;
    // same 31-polynomial hash as pool[3], other bits: only the comparison of the bits tells them apart
    pool[4] = pool[3].clone();
    pool[4][dim - 2] = Float.intBitsToFloat(Float.floatToIntBits(pool[3][dim - 2]) + 1);
    pool[4][dim - 1] = Float.intBitsToFloat(Float.floatToIntBits(pool[3][dim - 1]) - 31);
    assertEquals(Arrays.hashCode(pool[3]), Arrays.hashCode(pool[4]), "rows 3 and 4 must collide");
    Arrays.fill(pool[5], 0f);
    Arrays.fill(pool[6], -0f); // zero norm too
    int size = 5_000;
    float[] values = new float[size * dim];
    for (int r = 0; r < size; r++) {
      System.arraycopy(pool[r < distinct ? r : rng.nextInt(distinct)], 0, values, r * dim, dim);
    }

    RowGroups got = RowGroups.of(values, size, dim);

    Map<List<Integer>, Integer> groupOf = new HashMap<>();
    List<List<Integer>> members = new ArrayList<>();
    List<Integer> zeroRows = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      double s = 0;
      List<Integer> bits = new ArrayList<>();
      for (int d = 0; d < dim; d++) {
        double x = values[r * dim + d];
        s += x * x;
        bits.add(Float.floatToIntBits(values[r * dim + d]));
      }
      assertEquals(Math.sqrt(s), got.norms[r], "norm of row " + r);
      if (s == 0) {
        zeroRows.add(r);
        continue;
      }
      int g = groupOf.computeIfAbsent(bits, k -> {
        members.add(new ArrayList<>());
        return members.size() - 1;
      });
      members.get(g).add(r);
    }
    assertEquals(distinct - 2, groupOf.size(), "the test's rows");
    assertEquals(members.size(), got.groups());
    assertEquals(got.groups() + 1, got.start.length);
    for (int g = 0; g < members.size(); g++) {
      assertEquals(members.get(g).get(0), got.first[g], "first row of group " + g);
      assertEquals(members.get(g), ints(got.rows, got.start[g], got.start[g + 1]), "rows of group " + g);
    }
    assertEquals(zeroRows, ints(got.zeroRows, 0, got.zeroRows.length));
  }

  private static List<Integer> ints(int[] a, int from, int to) {
    return Arrays.stream(a, from, to).boxed().toList();
  }

  @Test
  void oneRowAndNoRows() {
    RowGroups one = RowGroups.of(new float[] {3f, 4f}, 1, 2);
    assertArrayEquals(new int[] {0}, one.first);
    assertArrayEquals(new int[] {0, 1}, one.start);
    assertArrayEquals(new int[] {0}, one.rows);
    assertEquals(5.0, one.norms[0]);
    RowGroups none = RowGroups.of(new float[0], 0, 3);
    assertEquals(0, none.groups());
    assertArrayEquals(new int[] {0}, none.start);
  }
}
