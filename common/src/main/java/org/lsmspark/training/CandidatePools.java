package org.lsmspark.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * The candidate lists of the 1-of-100 protocol: for every window its gold next turn and 99
 * distractors, as indices into one table of the distinct candidate texts (code-point order), so
 * that each text is encoded once however many pools share it.
 */
final class CandidatePools {
  static final int SIZE = 100;
  static final int DISTRACTORS = SIZE - 1;

  /** Supplies the pools of the evaluated windows; the hook lets tests feed pools drawn elsewhere. */
  interface Source {
    CandidatePools pools(List<String> distinctTexts, List<String> golds);
  }

  private final List<String> texts;
  /** windows × SIZE indices into {@link #texts}; each window's gold first. */
  private final int[] candidates;

  private CandidatePools(List<String> texts, int[] candidates) {
    this.texts = List.copyOf(texts);
    this.candidates = candidates;
  }

  /** The distinct turn texts of a corpus, sorted by code point (as quality_eval.py sorts them). */
  static List<String> distinctTexts(List<List<String>> dialogues) {
    TreeSet<String> set = new TreeSet<>(Tokenizer.CODE_POINT_ORDER);
    for (List<String> d : dialogues) {
      set.addAll(d);
    }
    return List.copyOf(set);
  }

  /**
   * Draws, for each gold in order, 99 distinct distractors uniformly from {@code distinctTexts}
   * with one generator seeded by {@code seed}, rejecting the gold text and repeats (as
   * quality_eval.py's {@code make}). Same texts, golds and seed give the same pools.
   */
  static CandidatePools draw(List<String> distinctTexts, List<String> golds, long seed) {
    int t = distinctTexts.size();
    Map<String, Integer> index = indexOf(distinctTexts);
    if (t < SIZE) {
      throw new IllegalArgumentException("1-of-" + SIZE + " needs at least " + SIZE
          + " distinct turn texts, the corpus has " + t);
    }
    Random rng = new Random(seed);
    int[] drawn = new int[golds.size() * SIZE];
    int[] pool = new int[SIZE];
    for (int w = 0; w < golds.size(); w++) {
      Integer gold = index.get(golds.get(w));
      if (gold == null) {
        throw new IllegalArgumentException("window " + w + ": gold turn \"" + golds.get(w)
            + "\" is not one of the corpus's turn texts");
      }
      pool[0] = gold;
      int size = 1;
      while (size < SIZE) {
        int c = rng.nextInt(t);
        if (!contains(pool, size, c)) {
          pool[size++] = c;
        }
      }
      System.arraycopy(pool, 0, drawn, w * SIZE, SIZE);
    }
    return compact(distinctTexts, drawn);
  }

  /** Pools given as texts (gold and 99 distractors per window), checked as {@link #draw} makes them. */
  static CandidatePools of(List<String> golds, List<List<String>> distractors) {
    if (golds.size() != distractors.size()) {
      throw new IllegalArgumentException(golds.size() + " gold turns but " + distractors.size() + " pools");
    }
    TreeSet<String> all = new TreeSet<>(Tokenizer.CODE_POINT_ORDER);
    for (int w = 0; w < golds.size(); w++) {
      List<String> pool = distractors.get(w);
      String gold = Objects.requireNonNull(golds.get(w), "gold of window " + w);
      if (pool.size() != DISTRACTORS) {
        throw new IllegalArgumentException("window " + w + ": pool has " + pool.size() + " distractors, expected " + DISTRACTORS);
      }
      Set<String> seen = new HashSet<>();
      for (String d : pool) {
        if (d.equals(gold) || !seen.add(d)) {
          throw new IllegalArgumentException("window " + w + ": distractor \"" + d + "\" is the gold or a repeat");
        }
      }
      all.add(gold);
      all.addAll(pool);
    }
    List<String> texts = new ArrayList<>(all);
    Map<String, Integer> index = indexOf(texts);
    int[] candidates = new int[golds.size() * SIZE];
    for (int w = 0; w < golds.size(); w++) {
      candidates[w * SIZE] = index.get(golds.get(w));
      for (int k = 0; k < DISTRACTORS; k++) {
        candidates[w * SIZE + 1 + k] = index.get(distractors.get(w).get(k));
      }
    }
    return new CandidatePools(texts, candidates);
  }

  private static boolean contains(int[] a, int n, int x) {
    for (int i = 0; i < n; i++) {
      if (a[i] == x) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Integer> indexOf(List<String> texts) {
    Map<String, Integer> index = new HashMap<>(texts.size() * 2);
    for (int i = 0; i < texts.size(); i++) {
      index.put(texts.get(i), i);
    }
    return index;
  }

  /** Keeps only the texts some pool uses: the table is BM25's document collection too. */
  private static CandidatePools compact(List<String> distinctTexts, int[] drawn) {
    boolean[] used = new boolean[distinctTexts.size()];
    for (int c : drawn) {
      used[c] = true;
    }
    int[] newIndex = new int[used.length];
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < used.length; i++) {
      if (used[i]) {
        newIndex[i] = texts.size();
        texts.add(distinctTexts.get(i));
      }
    }
    int[] candidates = new int[drawn.length];
    for (int i = 0; i < drawn.length; i++) {
      candidates[i] = newIndex[drawn[i]];
    }
    return new CandidatePools(texts, candidates);
  }

  int windows() {
    return candidates.length / SIZE;
  }

  /** Every text of some pool, distinct, in code-point order. */
  List<String> texts() {
    return texts;
  }

  /** Candidate {@code k} of {@code window} as an index into {@link #texts()}; k = 0 is the gold. */
  int candidate(int window, int k) {
    Objects.checkIndex(k, SIZE);
    return candidates[window * SIZE + k];
  }

  /** Candidate {@code k} of {@code window} as text. */
  String text(int window, int k) {
    return texts.get(candidate(window, k));
  }
}
