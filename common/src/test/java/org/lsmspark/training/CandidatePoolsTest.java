package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidatePoolsTest {
  private static List<String> texts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("turn " + i);
    }
    return out;
  }

  private static List<List<String>> pools(CandidatePools p) {
    List<List<String>> out = new ArrayList<>();
    for (int w = 0; w < p.windows(); w++) {
      List<String> pool = new ArrayList<>();
      for (int k = 0; k < CandidatePools.SIZE; k++) {
        pool.add(p.text(w, k));
      }
      out.add(pool);
    }
    return out;
  }

  @Test
  void poolsHoldTheGoldFirstAnd99DistinctOtherTexts() {
    List<String> distinct = CandidatePools.distinctTexts(List.of(texts(150)));
    List<String> golds = List.of("turn 3", "turn 3", "turn 149", "turn 0");
    CandidatePools p = CandidatePools.draw(distinct, golds, 42);
    assertEquals(4, p.windows());
    for (int w = 0; w < p.windows(); w++) {
      assertEquals(golds.get(w), p.text(w, 0));
      Set<String> seen = new HashSet<>();
      for (int k = 0; k < CandidatePools.SIZE; k++) {
        assertTrue(seen.add(p.text(w, k)), "window " + w + " repeats " + p.text(w, k));
        assertTrue(distinct.contains(p.text(w, k)));
      }
    }
    assertNotEquals(pools(p).get(0), pools(p).get(1), "windows draw their own distractors");
  }

  @Test
  void sameSeedSamePoolsAndOtherSeedsDiffer() {
    List<String> distinct = CandidatePools.distinctTexts(List.of(texts(300)));
    List<String> golds = List.of("turn 1", "turn 2", "turn 3");
    assertEquals(pools(CandidatePools.draw(distinct, golds, 7)), pools(CandidatePools.draw(distinct, golds, 7)));
    assertNotEquals(pools(CandidatePools.draw(distinct, golds, 7)), pools(CandidatePools.draw(distinct, golds, 8)));
  }

  @Test
  void theTableHoldsOnlyTextsSomePoolUsesInCodePointOrder() {
    List<String> corpus = new ArrayList<>(texts(400));
    corpus.add("\uFFFF");
    corpus.add("\uD83D\uDE00"); // U+1F600 sorts after U+FFFF by code point, before it by UTF-16 unit
    List<String> distinct = CandidatePools.distinctTexts(List.of(corpus, List.of("turn 1")));
    assertEquals(402, distinct.size());
    assertEquals(List.of("\uFFFF", "\uD83D\uDE00"), distinct.subList(400, 402));
    CandidatePools p = CandidatePools.draw(distinct, List.of("turn 5"), 1);
    assertEquals(100, p.texts().size(), "one pool: exactly its 100 texts");
    List<String> sorted = new ArrayList<>(p.texts());
    sorted.sort(org.lsmspark.tokenizer.Tokenizer.CODE_POINT_ORDER);
    assertEquals(sorted, p.texts());
  }

  @Test
  void tooFewTextsOrAnUnknownGoldAreRefused() {
    List<String> distinct = CandidatePools.distinctTexts(List.of(texts(99)));
    var e = assertThrows(IllegalArgumentException.class, () -> CandidatePools.draw(distinct, List.of("turn 1"), 1));
    assertTrue(e.getMessage().contains("has 99"), e.getMessage());
    List<String> enough = CandidatePools.distinctTexts(List.of(texts(100)));
    e = assertThrows(IllegalArgumentException.class, () -> CandidatePools.draw(enough, List.of("turn 1", "nope"), 1));
    assertTrue(e.getMessage().contains("window 1") && e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void givenPoolsAreCheckedAndKeptInOrder() {
    List<String> pool = texts(99);
    CandidatePools p = CandidatePools.of(List.of("gold"), List.of(pool));
    assertEquals("gold", p.text(0, 0));
    assertEquals(pool, pools(p).get(0).subList(1, 100));
    List<String> withGold = new ArrayList<>(pool);
    withGold.set(50, "gold");
    var e = assertThrows(IllegalArgumentException.class, () -> CandidatePools.of(List.of("gold"), List.of(withGold)));
    assertTrue(e.getMessage().contains("window 0") && e.getMessage().contains("\"gold\""), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CandidatePools.of(List.of("gold"), List.of(texts(98))));
  }
}
