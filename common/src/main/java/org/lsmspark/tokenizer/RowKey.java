package org.lsmspark.tokenizer;

/** A row's float bits, for grouping identical embeddings. */
final class RowKey {
  private final float[] values;
  private final int offset;
  private final int dim;
  private final int hash;

  RowKey(float[] values, int offset, int dim) {
    this.values = values;
    this.offset = offset;
    this.dim = dim;
    int h = 1;
    for (int d = 0; d < dim; d++) {
      h = 31 * h + Float.floatToIntBits(values[offset + d]);
    }
    this.hash = h;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RowKey k) || k.hash != hash) {
      return false;
    }
    for (int d = 0; d < dim; d++) {
      if (Float.floatToIntBits(values[offset + d]) != Float.floatToIntBits(k.values[k.offset + d])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
