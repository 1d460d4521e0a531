package org.lsmspark.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Turns a stream of turns sorted by conversation and turn index into the windows to score,
 * holding at most one window of turns in memory. Turns with fewer than {@code minContext}
 * earlier turns get no window and are counted; missing context is padded in front with empty
 * turns, which encode to the zero vector.
 */
final class TurnWindows implements Iterator<TurnWindows.Window> {
  /**
   * One input turn. {@code text} may be null (reported, never scored as context); a turn whose
   * text was left behind ({@link LastTurns}) can never be in a window; a turn without a
   * conversation id or turn index ({@link #WITHOUT_KEY}) belongs to no conversation and is counted.
   */
  record Turn(String conversationId, int turnIndex, String text, boolean textPruned) {
    Turn(String conversationId, int turnIndex, String text) {
      this(conversationId, turnIndex, text, false);
    }
  }

  static final Turn WITHOUT_KEY = new Turn(null, -1, null, false);

  /**
   * A window to score: the turns before the predicted one (oldest first), the predicted turn's
   * index and its actual text (null in {@code last} mode), or an error that names the problem.
   */
  record Window(String conversationId, int turnIndex, List<String> turns, String actualText, String error) {}

  /** What the stream held; every turn read is either a window's target, context only, or skipped. */
  static final class Counts {
    long turns;
    long conversations;
    long skippedShortContext;
    long duplicates;
    long withoutKey;
  }

  private final Iterator<Turn> input;
  private final int window;
  private final int minContext;
  private final WindowMode mode;
  private final Counts counts;
  /** The last turns of the conversation, oldest first; a null text stays null (reported, never scored). */
  private final ArrayDeque<Turn> context;
  private final ArrayDeque<Window> ready = new ArrayDeque<>();

  private String conversation;
  private int seenInConversation;
  private int lastIndex;
  private boolean ended;

  TurnWindows(Iterator<Turn> input, int window, int minContext, WindowMode mode, Counts counts) {
    this.input = input;
    this.window = window;
    this.minContext = minContext;
    this.mode = mode;
    this.counts = counts;
    this.context = new ArrayDeque<>(window + 1);
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !ended) {
      if (input.hasNext()) {
        accept(input.next());
      } else {
        endConversation();
        ended = true;
      }
    }
    return !ready.isEmpty();
  }

  @Override
  public Window next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void accept(Turn t) {
    counts.turns++;
    if (t.conversationId() == null) { // sorted first, so it interrupts no conversation
      counts.withoutKey++;
      return;
    }
    if (!t.conversationId().equals(conversation)) {
      endConversation();
      conversation = t.conversationId();
      counts.conversations++;
      context.clear();
      seenInConversation = 0;
    } else if (t.turnIndex() == lastIndex) {
      counts.duplicates++;
      // mode last reports no actual text, and may not have the duplicate's
      ready.add(new Window(t.conversationId(), t.turnIndex(), List.of(), mode == WindowMode.LAST ? null : t.text(),
          "duplicate turn_index " + t.turnIndex() + " in conversation " + t.conversationId()
              + "; only the first such turn is used as context"));
      return;
    }
    lastIndex = t.turnIndex();
    if (mode == WindowMode.ALL) {
      if (seenInConversation >= minContext) {
        ready.add(window(t.conversationId(), t.turnIndex(), t.text()));
      } else {
        counts.skippedShortContext++;
      }
    }
    seenInConversation++;
    push(t);
  }

  private void endConversation() {
    if (conversation != null && mode == WindowMode.LAST) {
      if (seenInConversation >= minContext) {
        ready.add(window(conversation, lastIndex + 1, null));
      } else {
        counts.skippedShortContext++;
      }
    }
    conversation = null;
  }

  private void push(Turn t) {
    context.addLast(t);
    if (context.size() > window) {
      context.removeFirst();
    }
  }

  private Window window(String conversationId, int turnIndex, String actual) {
    List<String> turns = new ArrayList<>(window);
    turns.addAll(Collections.nCopies(window - context.size(), ""));
    int position = 0;
    String error = null;
    for (Turn t : context) {
      if (t.textPruned()) {
        throw new IllegalStateException("turn " + t.turnIndex() + " of conversation " + conversationId
            + " reached a window without its text: the mode-last pruning kept too few turns");
      }
      if (t.text() == null && error == null) {
        error = "context turn " + (seenInConversation - context.size() + position)
            + " (by position) of conversation " + conversationId + " has no text (null)";
      }
      turns.add(t.text() == null ? "" : t.text());
      position++;
    }
    return new Window(conversationId, turnIndex, turns, actual, error);
  }
}
