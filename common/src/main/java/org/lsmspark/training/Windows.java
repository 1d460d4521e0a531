package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;

/**
 * The next-turn windows of a corpus: for every turn with at least one earlier turn of its
 * conversation, the previous W turns (oldest first), padded in front with the empty turn "",
 * and the turn itself as the target.
 */
public final class Windows {
  /** The empty turn that pads short contexts; it encodes to the zero vector. */
  public static final String PAD = "";

  /** A window by position: conversation {@code dialogue}, target turn {@code turn} (≥ 1). */
  public record Ref(int dialogue, int turn) {}

  private Windows() {}

  /** Every window of the given conversations, in corpus order. */
  public static List<Ref> of(List<List<String>> dialogues, List<Integer> which) {
    List<Ref> out = new ArrayList<>();
    for (int d : which) {
      for (int t = 1; t < dialogues.get(d).size(); t++) {
        out.add(new Ref(d, t));
      }
    }
    return out;
  }

  /** The W context turns of a window, oldest first, padded in front with {@link #PAD}. */
  public static List<String> context(List<List<String>> dialogues, Ref ref, int window) {
    List<String> turns = dialogues.get(ref.dialogue());
    List<String> out = new ArrayList<>(window);
    for (int k = ref.turn() - window; k < ref.turn(); k++) {
      out.add(k < 0 ? PAD : turns.get(k));
    }
    return out;
  }

  public static String target(List<List<String>> dialogues, Ref ref) {
    return dialogues.get(ref.dialogue()).get(ref.turn());
  }
}
