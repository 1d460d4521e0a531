package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DistinctStrings} against a plain list: the same elements and positions, lookups that agree
 * with a linear search, a repeat named with both its lines, and an instance passed through unchecked
 * (the tokenizer reuses the bundle's index).
 */
class DistinctStringsTest {

  @Test
  void looksUpAsAListSearchDoes() {
    Random rng = new Random(3);
    List<String> plain = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      String s = Long.toString(rng.nextLong(), 36);
      if (!plain.contains(s)) {
        plain.add(s);
      }
    }
    DistinctStrings d = DistinctStrings.of(plain, "turn");
    assertEquals(plain, d);
    assertEquals(plain.hashCode(), d.hashCode());
    for (int i = 0; i < plain.size(); i += 7) {
      String s = plain.get(i);
      assertEquals(i, d.indexOf(s), s);
      assertEquals(i, d.lastIndexOf(s), s);
      assertTrue(d.contains(s), s);
    }
    for (String absent : List.of("", "not there", plain.get(0) + " ")) {
      assertEquals(-1, d.indexOf(absent), absent);
      assertFalse(d.contains(absent), absent);
    }
    assertEquals(-1, d.indexOf(42), "another type");
  }

  @Test
  void aRepeatIsNamedWithBothLines() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DistinctStrings.of(List.of("a", "say \"hi\"\n", "b", "say \"hi\"\n"), "turn"));
    assertEquals("turn \"say \\\"hi\\\"\\n\" appears on lines 2 and 4", e.getMessage());
    NullPointerException n = assertThrows(NullPointerException.class,
        () -> DistinctStrings.of(Arrays.asList("a", null), "term"));
    assertEquals("term on line 2", n.getMessage());
  }

  @Test
  void anInstanceIsTakenAsItIsAndNotChangedByItsSource() {
    List<String> source = new ArrayList<>(List.of("x", "y"));
    DistinctStrings d = DistinctStrings.of(source, "term");
    assertSame(d, DistinctStrings.of(d, "term"));
    source.set(0, "changed");
    assertEquals(List.of("x", "y"), d);
    assertThrows(UnsupportedOperationException.class, () -> d.set(0, "z"));
    assertThrows(UnsupportedOperationException.class, () -> d.add("z"));
  }
}
