package org.lsmspark.tokenizer;

import java.util.Locale;

/** How embeddings are decoded to vocabulary turns. */
public enum DecodeMode {
  /** Every distinct vocabulary vector is scored: the exact top k, ties by index. */
  EXACT,
  /** Candidates from an HNSW graph over the vocabulary, rescored exactly: may miss true neighbours. */
  APPROXIMATE;

  /** {@code exact} or {@code approximate} (any case). */
  public static DecodeMode parse(String s) {
    for (DecodeMode m : values()) {
      if (m.name().equalsIgnoreCase(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("decode mode must be exact or approximate, got \"" + s + "\"");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
