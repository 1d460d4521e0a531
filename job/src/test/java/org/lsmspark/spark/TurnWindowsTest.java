package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TurnWindowsTest {
  static TurnWindows.Turn t(String conversation, int index, String text) {
    return new TurnWindows.Turn(conversation, index, text);
  }

  static List<TurnWindows.Window> all(List<TurnWindows.Turn> turns, int window, int minContext, WindowMode mode,
      TurnWindows.Counts counts) {
    List<TurnWindows.Window> out = new ArrayList<>();
    new TurnWindows(turns.iterator(), window, minContext, mode, counts).forEachRemaining(out::add);
    return out;
  }

  @Test
  void modeAllPadsInFrontSlidesAndStartsAfreshPerConversation() {
    TurnWindows.Counts counts = new TurnWindows.Counts();
    List<TurnWindows.Window> w = all(List.of(t("a", 0, "a0"), t("a", 1, "a1"), t("a", 2, "a2"), t("a", 3, "a3"),
        t("a", 4, "a4"), t("b", 0, "b0"), t("b", 1, "b1"), t("b", 2, "b2")), 3, 2, WindowMode.ALL, counts);
    assertEquals(List.of(
        new TurnWindows.Window("a", 2, List.of("", "a0", "a1"), "a2", null),
        new TurnWindows.Window("a", 3, List.of("a0", "a1", "a2"), "a3", null),
        new TurnWindows.Window("a", 4, List.of("a1", "a2", "a3"), "a4", null),
        new TurnWindows.Window("b", 2, List.of("", "b0", "b1"), "b2", null)), w);
    assertEquals(8, counts.turns);
    assertEquals(2, counts.conversations);
    assertEquals(4, counts.skippedShortContext);
    assertEquals(0, counts.duplicates);
  }

  @Test
  void modeLastPredictsTheTurnAfterEachConversation() {
    TurnWindows.Counts counts = new TurnWindows.Counts();
    List<TurnWindows.Window> w = all(List.of(t("a", 0, "a0"), t("a", 5, "a5"), t("b", 0, "b0"), t("c", 0, "c0"),
        t("c", 1, "c1")), 2, 2, WindowMode.LAST, counts);
    assertEquals(List.of(new TurnWindows.Window("a", 6, List.of("a0", "a5"), null, null),
        new TurnWindows.Window("c", 2, List.of("c0", "c1"), null, null)), w);
    assertEquals(1, counts.skippedShortContext, "b has one turn, fewer than min-context 2");
    assertEquals(3, counts.conversations);
  }

  @Test
  void aNullTurnIsReportedByPositionAndAnyRealTextIsText() {
    // the text the old code used as its null marker is an ordinary text
    String lookalike = new String("\u0000null");
    List<TurnWindows.Window> w = all(List.of(t("a", 0, lookalike), t("a", 1, null), t("a", 2, "x"), t("a", 3, "y"),
        t("a", 4, "z")), 2, 1, WindowMode.ALL, new TurnWindows.Counts());
    assertNull(w.get(0).error());
    assertEquals(List.of("", lookalike), w.get(0).turns());
    assertNull(w.get(0).actualText(), "a null turn is still a target");
    assertEquals("context turn 1 (by position) of conversation a has no text (null)", w.get(1).error());
    assertEquals(List.of(lookalike, ""), w.get(1).turns());
    assertEquals("context turn 1 (by position) of conversation a has no text (null)", w.get(2).error());
    assertNull(w.get(3).error(), "the null turn has left the window");
  }

  @Test
  void aRepeatedTurnIndexIsAnErrorAndNotContext() {
    TurnWindows.Counts counts = new TurnWindows.Counts();
    List<TurnWindows.Window> w = all(List.of(t("a", 0, "a0"), t("a", 1, "a1"), t("a", 1, "again"), t("a", 2, "a2")),
        2, 1, WindowMode.ALL, counts);
    assertEquals(3, w.size());
    assertEquals("duplicate turn_index 1 in conversation a; only the first such turn is used as context",
        w.get(1).error());
    assertEquals("again", w.get(1).actualText());
    assertEquals(List.of("a0", "a1"), w.get(2).turns());
    assertEquals(1, counts.duplicates);
    assertEquals(4, counts.turns);
  }

  @Test
  void inModeLastARepeatedTurnIsReportedWithoutItsText() {
    // the pruning before the shuffle may have left the text behind: the row says the same either way
    List<TurnWindows.Window> w = all(List.of(t("a", 0, "a0"), t("a", 0, "again"), t("a", 1, "a1")), 2, 1,
        WindowMode.LAST, new TurnWindows.Counts());
    assertEquals(List.of(new TurnWindows.Window("a", 0, List.of(), null,
        "duplicate turn_index 0 in conversation a; only the first such turn is used as context"),
        new TurnWindows.Window("a", 2, List.of("a0", "a1"), null, null)), w);
  }

  @Test
  void readsNoFurtherThanTheNextWindowNeeds() {
    int[] read = {0};
    Iterator<TurnWindows.Turn> input = IntStream.range(0, 1000).mapToObj(i -> {
      read[0]++;
      return t("a", i, "turn " + i);
    }).iterator();
    TurnWindows windows = new TurnWindows(input, 4, 3, WindowMode.ALL, new TurnWindows.Counts());
    assertEquals(3, windows.next().turnIndex());
    assertTrue(read[0] <= 5, "read " + read[0] + " turns for the first window");
    windows.forEachRemaining(x -> { });
    assertFalse(windows.hasNext());
    assertThrows(NoSuchElementException.class, windows::next);
  }
}
