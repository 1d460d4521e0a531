package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Merging pairs loses and adds nothing: every rewritten row expands, through its pairs, to exactly
 * its terms; rows stay ascending, a pair's parts come before it, the pair budget holds and the
 * same rows give the same pairs. A row missing a term, a term kept beside the pair that took it,
 * or a pair numbered before its parts fails here.
 */
class TermPairsTest {

  @Property(tries = 40)
  void rewrittenRowsExpandToTheirTerms(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int maxPairs) {
    Random rng = new Random(seed);
    int features = 5 + rng.nextInt(60);
    int[][] rows = new int[200 + rng.nextInt(2000)][];
    for (int g = 0; g < rows.length; g++) {
      // a few templates repeated with variations, as dialogue turns are, and a long row now and then
      int len = rng.nextInt(50) == 0 ? 40 + rng.nextInt(300) : rng.nextInt(12);
      int[] row = new int[len];
      int template = rng.nextInt(8);
      for (int i = 0; i < len; i++) {
        row[i] = rng.nextInt(3) == 0 ? rng.nextInt(features) : (template * 7 + i) % features;
      }
      Arrays.sort(row);
      rows[g] = row;
    }
    int[] start = new int[rows.length + 1];
    for (int g = 0; g < rows.length; g++) {
      start[g + 1] = start[g] + rows[g].length;
    }
    int[] terms = new int[start[rows.length]];
    for (int g = 0; g < rows.length; g++) {
      System.arraycopy(rows[g], 0, terms, start[g], rows[g].length);
    }
    TermPairs p = TermPairs.merge(start, terms, features, maxPairs);
    assertTrue(p.pairs() <= maxPairs, p.pairs() + " pairs");
    for (int q = 0; q < p.pairs(); q++) {
      assertTrue(p.left[q] < features + q && p.right[q] < features + q, "pair " + q + " before its parts");
    }
    for (int g = 0; g < rows.length; g++) {
      int[] cols = Arrays.copyOfRange(p.columns, p.rowStart[g], p.rowStart[g + 1]);
      for (int i = 1; i < cols.length; i++) {
        assertTrue(cols[i - 1] <= cols[i], "row " + g + " ascending");
      }
      assertArrayEquals(rows[g], expand(p, features, cols), "seed " + seed + ", row " + g);
    }
    TermPairs again = TermPairs.merge(start, terms, features, maxPairs);
    assertArrayEquals(p.columns, again.columns);
    assertArrayEquals(p.left, again.left);
    assertArrayEquals(p.right, again.right);
  }

  /** A row repeated often enough becomes one column; a row of its own stays as it is. */
  @Test
  void aRepeatedRowMergesIntoOneColumn() {
    int copies = 50;
    int[] start = new int[copies + 2];
    List<Integer> all = new ArrayList<>();
    for (int g = 0; g < copies; g++) {
      all.addAll(List.of(1, 2, 3, 3));
      start[g + 1] = all.size();
    }
    all.addAll(List.of(0, 4));
    start[copies + 1] = all.size();
    TermPairs p = TermPairs.merge(start, all.stream().mapToInt(Integer::intValue).toArray(), 5, 100);
    for (int g = 0; g < copies; g++) {
      assertEquals(1, p.rowStart[g + 1] - p.rowStart[g], "row " + g);
    }
    assertArrayEquals(new int[] {0, 4}, Arrays.copyOfRange(p.columns, p.rowStart[copies], p.rowStart[copies + 1]));
  }

  /** Pair columns of {@link TermPairs#addPairs} are the sums of their parts, lane by lane. */
  @Test
  void addPairsSumsTheParts() {
    int[] start = new int[21];
    int[] terms = new int[40];
    for (int g = 0; g < 20; g++) {
      start[g + 1] = 2 * (g + 1);
      terms[2 * g] = 0;
      terms[2 * g + 1] = 2;
    }
    TermPairs p = TermPairs.merge(start, terms, 3, 10);
    assertEquals(1, p.pairs());
    float[] y = {1f, 10f, 0.5f, 2f, 20f, 0.25f, 0f, 0f};
    p.addPairs(y, 3, 2);
    assertArrayEquals(new float[] {1f, 10f, 0.5f, 2f, 20f, 0.25f, 21f, 10.25f}, y); // columns 0 and 2, lane by lane
    float[] lone = {1f, 0.5f, 2f, 0f}; // one lane: a loop of its own
    p.addPairs(lone, 3, 1);
    assertArrayEquals(new float[] {1f, 0.5f, 2f, 3f}, lone);
  }

  private static int[] expand(TermPairs p, int features, int[] cols) {
    List<Integer> out = new ArrayList<>();
    java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
    for (int c : cols) {
      todo.push(c);
    }
    while (!todo.isEmpty()) {
      int c = todo.pop();
      if (c < features) {
        out.add(c);
      } else {
        todo.push(p.left[c - features]);
        todo.push(p.right[c - features]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).sorted().toArray();
  }
}
