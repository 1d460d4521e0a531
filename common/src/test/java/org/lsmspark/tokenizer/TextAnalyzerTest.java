package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextAnalyzerTest {
  private final TextAnalyzer unigrams = new TextAnalyzer(1);
  private final TextAnalyzer bigrams = new TextAnalyzer(2);

  @Test
  void dropsStopWordsAndBuildsBigramsOverRemainingTokens() {
    // "the", "is", "a" are stop words; bigrams join the tokens that remain, so "movie great"
    assertEquals(List.of("movie", "great", "choice", "movie great", "great choice"),
        bigrams.analyze("The movie is a great choice"));
  }

  @Test
  void unigramsThenBigramsThenTrigrams() {
    assertEquals(List.of("aa", "bb", "cc", "aa bb", "bb cc", "aa bb cc"), new TextAnalyzer(3).analyze("aa bb cc"));
    assertEquals(List.of("aa", "aa", "aa aa"), bigrams.analyze("aa AA"));
  }

  @Test
  void dropsSingleCharacterTokensAndSplitsOnPunctuation() {
    assertEquals(List.of("rented"), unigrams.analyze("I x it's rented!"));
    assertEquals(List.of("rented", "12", "miles"), unigrams.analyze("It's rented: 12 miles, 7 % y."));
  }

  @Test
  void lowercasesAndKeepsUnicodeLettersDigitsAndUnderscores() {
    assertEquals(List.of("café", "naïve", "foo_bar", "东京", "ⅻx", "x²"),
        unigrams.analyze("CAFÉ NAÏVE foo_bar 东京 ⅫX x²"));
    // a combining mark is not a word character: "e\u0301x" splits into "e" and "x", both too short
    assertEquals(List.of(), unigrams.analyze("e\u0301x"));
    // characters outside the BMP count as one code point: "𝐀" alone is a single-character token
    assertEquals(List.of("𝐀𝐁"), unigrams.analyze("𝐀 𝐀𝐁"));
  }

  @Test
  void wordCharactersFollowPythonRe() {
    assertTrue(TextAnalyzer.isWordChar('_'));
    assertTrue(TextAnalyzer.isWordChar('٣'));    // Nd, Arabic-Indic digit
    assertTrue(TextAnalyzer.isWordChar('Ⅻ'));    // Nl
    assertTrue(TextAnalyzer.isWordChar('½'));    // No
    assertTrue(TextAnalyzer.isWordChar('ʰ'));    // Lm
    assertFalse(TextAnalyzer.isWordChar('\u0301')); // Mn
    assertFalse(TextAnalyzer.isWordChar('-'));
    assertFalse(TextAnalyzer.isWordChar('\''));
  }

  @Test
  void stopWordListHas318Words() {
    assertTrue(TextAnalyzer.isStopWord("the"));
    assertTrue(TextAnalyzer.isStopWord("yourselves"));
    assertFalse(TextAnalyzer.isStopWord("movie"));
  }

  @Test
  void termOrderIsByCodePointNotUtf16() {
    // U+FF21 (fullwidth A) is one UTF-16 unit above the surrogates; U+1D400 is encoded with surrogates
    String bmpHigh = "\uFF21";
    String astral = "𝐀";
    assertTrue(bmpHigh.compareTo(astral) > 0, "UTF-16 order puts the astral character first");
    List<String> terms = new ArrayList<>(List.of(astral, bmpHigh, "b", "a b", "ab", "a"));
    terms.sort(TextAnalyzer.CODE_POINT_ORDER);
    assertEquals(List.of("a", "a b", "ab", "b", bmpHigh, astral), terms);
  }
}
