package org.lsmspark.cli;

/** Range checks for option values, failing with the option's name and its valid range. */
final class Options {
  private Options() {}

  static void positive(String option, long value) {
    if (value < 1) {
      throw new Main.UserException(option + " must be at least 1, got " + value);
    }
  }

  static void nonNegative(String option, long value) {
    if (value < 0) {
      throw new Main.UserException(option + " must be 0 or more, got " + value);
    }
  }
}
