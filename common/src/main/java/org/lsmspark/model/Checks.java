package org.lsmspark.model;

/** Precondition checks whose message names the offending key or option and value. */
public final class Checks {
  private Checks() {}

  /** Throws {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
  public static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
