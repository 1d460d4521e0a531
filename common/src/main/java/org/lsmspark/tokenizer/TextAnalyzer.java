package org.lsmspark.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * scikit-learn's word analyzer for {@code lowercase=True, token_pattern=(?u)\b\w\w+\b,
 * stop_words='english', ngram_range=(1, ngramMax)}, scanned by hand instead of with a regex.
 */
final class TextAnalyzer {
  static final String STOP_WORDS_RESOURCE = "/org/lsmspark/tokenizer/english_stop_words.txt";

  /** Orders strings by Unicode code point, as Python sorts str (String.compareTo orders UTF-16 units). */
  static final Comparator<String> CODE_POINT_ORDER = TextAnalyzer::compareCodePoints;

  private static final Set<String> STOP_WORDS = loadStopWords();

  private final int ngramMax;

  TextAnalyzer(int ngramMax) {
    if (ngramMax < 1) {
      throw new IllegalArgumentException("ngram_max must be at least 1, got " + ngramMax);
    }
    this.ngramMax = ngramMax;
  }

  /** The n-grams of {@code text}: all unigrams in order, then all bigrams, and so on. */
  List<String> analyze(String text) {
    List<String> tokens = tokens(text);
    if (ngramMax == 1 || tokens.size() < 2) {
      return tokens;
    }
    int n = tokens.size();
    List<String> grams = new ArrayList<>(n * Math.min(ngramMax, n));
    grams.addAll(tokens);
    StringBuilder sb = new StringBuilder();
    for (int len = 2; len <= Math.min(ngramMax, n); len++) {
      for (int i = 0; i + len <= n; i++) {
        sb.setLength(0);
        sb.append(tokens.get(i));
        for (int j = i + 1; j < i + len; j++) {
          sb.append(' ').append(tokens.get(j));
        }
        grams.add(sb.toString());
      }
    }
    return grams;
  }

  /** Lowercased maximal runs of word characters at least two code points long, stop words removed. */
  static List<String> tokens(String text) {
    List<String> words = words(text);
    words.removeIf(STOP_WORDS::contains);
    return words;
  }

  /** {@code re.findall(r"(?u)\b\w\w+\b", text.lower())}: the words of {@code text}, stop words kept. */
  static List<String> words(String text) {
    String s = text.toLowerCase(Locale.ROOT);
    List<String> tokens = new ArrayList<>();
    int i = 0;
    int len = s.length();
    while (i < len) {
      int cp = s.codePointAt(i);
      if (!isWordChar(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      int codePoints = 0;
      while (i < len) {
        cp = s.codePointAt(i);
        if (!isWordChar(cp)) {
          break;
        }
        i += Character.charCount(cp);
        codePoints++;
      }
      if (codePoints >= 2) {
        tokens.add(s.substring(start, i));
      }
    }
    return tokens;
  }

  /** Python 3 {@code re}'s {@code \w} for str patterns: str.isalnum() or '_'; combining marks are not. */
  static boolean isWordChar(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER:
      case Character.LOWERCASE_LETTER:
      case Character.TITLECASE_LETTER:
      case Character.MODIFIER_LETTER:
      case Character.OTHER_LETTER:
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.LETTER_NUMBER:
      case Character.OTHER_NUMBER:
        return true;
      default:
        return false;
    }
  }

  static boolean isStopWord(String word) {
    return STOP_WORDS.contains(word);
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static Set<String> loadStopWords() {
    InputStream in = TextAnalyzer.class.getResourceAsStream(STOP_WORDS_RESOURCE);
    if (in == null) {
      throw new IllegalStateException("stop-word list " + STOP_WORDS_RESOURCE + " is not on the classpath");
    }
    Set<String> words = new HashSet<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String w = line.strip();
        if (!w.isEmpty()) {
          words.add(w);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read stop-word list " + STOP_WORDS_RESOURCE, e);
    }
    return Set.copyOf(words);
  }
}
