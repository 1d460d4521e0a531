package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.lsmspark.reservoir.TurnState;

/**
 * The reservoir state of every distinct turn of a chunk, computed once. Consecutive windows of a
 * conversation share W − 1 turns and padded windows repeat the empty turn, so a chunk of sliding
 * windows holds about one new turn per window instead of W. A turn's state depends only on its
 * text, so windows rendered from shared states are bit-identical to windows computed alone.
 * States are shared between windows and must not be modified.
 */
final class TurnStates {
  private final Map<String, TurnState> byText;

  private TurnStates(Map<String, TurnState> byText) {
    this.byText = byText;
  }

  /** The distinct turns of {@code windows}, in first-seen order (so work is split the same way every run). */
  static List<String> distinctTurns(List<List<String>> windows) {
    LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();
    for (List<String> w : windows) {
      for (String t : w) {
        seen.putIfAbsent(t, Boolean.TRUE);
      }
    }
    return new ArrayList<>(seen.keySet());
  }

  /** The states of the distinct turns of {@code windows}, {@code state} run once each on {@code pool}. */
  static TurnStates of(List<List<String>> windows, ParallelEmbedder pool, Function<String, TurnState> state) {
    List<String> turns = distinctTurns(windows);
    TurnState[] states = pool.mapAll(turns, state, new TurnState[turns.size()]);
    Map<String, TurnState> byText = new HashMap<>(turns.size() * 2);
    for (int i = 0; i < states.length; i++) {
      byText.put(turns.get(i), states[i]);
    }
    return new TurnStates(byText);
  }

  /** How many distinct turns were computed. */
  int size() {
    return byText.size();
  }

  /** The states of a window's turns, oldest first; every turn must belong to the chunk. */
  TurnState[] window(List<String> turns) {
    TurnState[] out = new TurnState[turns.size()];
    for (int t = 0; t < out.length; t++) {
      out[t] = byText.get(turns.get(t));
      if (out[t] == null) {
        throw new IllegalArgumentException("turn " + t + " of the window is not in the chunk: \"" + turns.get(t) + "\"");
      }
    }
    return out;
  }
}
