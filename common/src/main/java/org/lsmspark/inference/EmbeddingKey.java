package org.lsmspark.inference;

import java.util.Arrays;

/** The decode and similarity caches' key: an embedding (bit for bit, copied) and k. */
final class EmbeddingKey {
  private final float[] embedding;
  private final int k;
  private final int hash;

  EmbeddingKey(float[] embedding, int k) {
    this.embedding = embedding.clone();
    this.k = k;
    this.hash = 31 * Arrays.hashCode(this.embedding) + k;
  }

  int dim() {
    return embedding.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EmbeddingKey e && e.hash == hash && e.k == k && Arrays.equals(e.embedding, embedding);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
