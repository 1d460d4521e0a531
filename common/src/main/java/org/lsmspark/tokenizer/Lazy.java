package org.lsmspark.tokenizer;

import java.util.function.Supplier;

/**
 * A value made on first use, once, by the first thread that asks (the others wait for it): for
 * the decode's structures that only some callers need (a lone query's layout, the approximate
 * index, the preselection itself).
 */
final class Lazy<T> {
  private final Supplier<T> make;
  private volatile T value;

  Lazy(Supplier<T> make) {
    this.make = make;
  }

  T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        v = value;
        if (v == null) {
          v = make.get();
          value = v;
        }
      }
    }
    return v;
  }

  boolean isMade() {
    return value != null;
  }
}
