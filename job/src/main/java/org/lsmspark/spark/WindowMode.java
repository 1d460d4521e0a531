package org.lsmspark.spark;

import java.util.Locale;

/** Which turns get a prediction. */
public enum WindowMode {
  /** Every turn that has at least {@code min-context} earlier turns. */
  ALL,
  /** Only the reply after each conversation's last turn. */
  LAST;

  public static WindowMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("mode must be 'all' or 'last', got '" + value + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
