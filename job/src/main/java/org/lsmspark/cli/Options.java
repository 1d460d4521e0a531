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

  static void atMost(String option, long value, long max) {
    if (value > max) {
      throw new Main.UserException(option + " must be at most " + max + ", got " + value);
    }
  }

  /** One of an enum's constants, named in lower case on the command line (global_average → GLOBAL_AVERAGE). */
  static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
    StringBuilder valid = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(java.util.Locale.ROOT);
      if (name.equals(value)) {
        return e;
      }
      valid.append(valid.length() == 0 ? "" : ", ").append(name);
    }
    throw new Main.UserException(option + " must be one of " + valid + ", got \"" + value + "\"");
  }

  /** A byte count: digits with an optional k, m or g suffix (powers of 1024; "mb", "mib" also read). */
  static long bytes(String option, String value) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\\s*(\\d+)\\s*(?:([kmg])(?:i?b)?|b)?\\s*")
        .matcher(value == null ? "" : value);
    if (!m.matches()) {
      throw new Main.UserException(option + " must be a byte count such as 268435456, 512k, 256m or 1g, got \""
          + value + "\"");
    }
    int shift = m.group(2) == null ? 0 : switch (Character.toLowerCase(m.group(2).charAt(0))) {
      case 'k' -> 10;
      case 'm' -> 20;
      default -> 30;
    };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new Main.UserException(option + " is too large: " + value);
    }
  }
}
