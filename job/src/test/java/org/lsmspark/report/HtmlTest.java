package org.lsmspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesTheFiveMarkupCharactersAndControlCharacters() {
    assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
        Html.escape("<a href=\"x\" title='y'>&</a>"));
    assertEquals("a\uFFFDb\tc\n", Html.escape("a\u0000b\tc\n"));
    assertEquals("", Html.escape(null));
  }

  @Test
  void shortensWithoutSplittingASurrogatePair() {
    assertEquals("abc", Html.shorten("abc", 3));
    assertEquals("ab…", Html.shorten("abcd", 2));
    // U+1F600 is two chars; cutting after its first would leave a lone surrogate
    assertEquals("a…", Html.shorten("a\uD83D\uDE00b", 2));
  }
}
