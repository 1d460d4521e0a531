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
 * windows holds about one new turn per window instead of W; the states of the previous chunk's
 * last window, carried over, spare the W − 1 turns the next chunk starts with (at batch 1, all but
 * one turn of each window). A turn's state depends only on its text, so windows rendered from
 * shared states are bit-identical to windows computed alone. States are shared between windows
 * and must not be modified.
 */
final class TurnStates {
  private final Map<String, TurnState> byText;
  private final int computed;

  private TurnStates(Map<String, TurnState> byText, int computed) {
    this.byText = byText;
    this.computed = computed;
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
    return of(windows, pool, state, Map.of());
  }

  /**
   * The states of the distinct turns of {@code windows}: those in {@code carried} as they are, the
   * others computed by {@code state}, once each, on {@code pool}.
   */
  static TurnStates of(List<List<String>> windows, ParallelEmbedder pool, Function<String, TurnState> state,
      Map<String, TurnState> carried) {
    List<String> turns = distinctTurns(windows);
    Map<String, TurnState> byText = new HashMap<>(turns.size() * 2);
    List<String> missing = new ArrayList<>(turns.size());
    for (String t : turns) {
      TurnState s = carried.get(t);
      if (s != null) {
        byText.put(t, s);
      } else {
        missing.add(t);
      }
    }
    TurnState[] states = new TurnState[missing.size()];
    pool.forEachIndex(states.length, i -> states[i] = state.apply(missing.get(i)));
    for (int i = 0; i < states.length; i++) {
      byText.put(missing.get(i), states[i]);
    }
    return new TurnStates(byText, missing.size());
  }

  /** The states of {@code window}'s turns (a window of this chunk), to carry over to the next chunk. */
  Map<String, TurnState> carry(List<String> window) {
    Map<String, TurnState> out = new HashMap<>(window.size() * 2);
    for (String t : window) {
      out.put(t, byText.get(t));
    }
    return out;
  }

  /** How many states were computed (the rest were carried over). */
  int computed() {
    return computed;
  }

  /** How many distinct turns the chunk holds. */
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
