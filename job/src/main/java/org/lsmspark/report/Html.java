package org.lsmspark.report;

/** Escaping for text placed in HTML or SVG, as element content or a quoted attribute value. */
final class Html {
  private Html() {}

  /** {@code text} with the five markup characters replaced by entities; null becomes empty. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // control characters other than tab and newlines are not allowed in HTML text
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** At most {@code max} characters of {@code text}, marked with an ellipsis when cut. */
  static String shorten(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "…";
  }
}
