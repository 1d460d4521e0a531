package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the golden tokenizer over arbitrary Unicode text: encoding and decoding never
 * throw, are deterministic, and decoding does not depend on the batch around an embedding.
 */
class TokenizerPropertiesTest {
  private static Tokenizer tokenizer;

  static synchronized Tokenizer tokenizer() {
    if (tokenizer == null) {
      try {
        tokenizer = Golden.modelTokenizer();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tokenizer;
  }

  // ------------------------------------------------------------------ texts

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.frequencyOf(
        Tuple.of(30, mixedText()),
        Tuple.of(10, Arbitraries.strings().all().ofMaxLength(80)),
        Tuple.of(8, Arbitraries.of(tokenizer().vocabulary())),
        Tuple.of(8, Arbitraries.of(tokenizer().vocabulary()).map(TokenizerPropertiesTest::mutateCase)),
        Tuple.of(5, Arbitraries.of("", " ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000 \u2003", "\u0000",
            "\ufeff", "\ud83d", "\ude00", "\ud83d\ude00", "e\u0301", "\u0130stanbul", "\u1e9e")),
        Tuple.of(5, Arbitraries.strings().whitespace().ofMaxLength(40)),
        Tuple.of(3, Arbitraries.randomValue(TokenizerPropertiesTest::hugeText)));
  }

  /** Text made of pieces from many scripts and classes, plus known terms and stop words. */
  private Arbitrary<String> mixedText() {
    Arbitrary<String> codePoint = Arbitraries.oneOf(
        cps(0x00, 0x1f), cps(0x7f, 0x9f),             // control characters
        cps('a', 'z'), cps('A', 'Z'), cps('0', '9'),
        Arbitraries.of(" ", "  ", "\t", "\n", "_", "'", "-", ".", ",", "!", "?", "$", "\u00a0", "\u2028"),
        cps(0x0300, 0x036f),                          // combining marks
        cps(0x1f300, 0x1faff),                        // emoji (surrogate pairs)
        cps(0x10400, 0x1044f),                        // Deseret: supplementary letters with case
        cps(0x1d400, 0x1d7ff),                        // mathematical alphanumerics
        cps(0x0400, 0x04ff), cps(0x0370, 0x03ff),     // Cyrillic, Greek
        cps(0x0600, 0x06ff), cps(0x0590, 0x05ff),     // Arabic, Hebrew
        cps(0x0900, 0x097f), cps(0x0e00, 0x0e7f),     // Devanagari, Thai
        cps(0x4e00, 0x9fff), cps(0xac00, 0xd7a3),     // CJK, Hangul
        cps(0x3040, 0x30ff), cps(0xff00, 0xffef),     // kana, full width
        cps(0x2150, 0x218f), cps(0x00b2, 0x00be),     // number forms, superscripts, fractions
        cps(0xd800, 0xdfff),                          // lone surrogates
        cps(0xfff0, 0xffff), cps(0xe000, 0xe0ff),     // specials, private use
        Arbitraries.of("\u0130", "\u1e9e", "\u00df", "\u03a3", "\u0149", "\ufb01", "\u2126", "\u212a"));
    Arbitrary<String> word = Arbitraries.oneOf(
        Arbitraries.of(tokenizer().terms()).map(t -> t + " "),
        Arbitraries.of(tokenizer().terms()).map(String::toUpperCase),
        Arbitraries.of("the", "a", "and", "I", "would", "like", "to", "book", "flight", "yes", "no", "thanks"));
    Arbitrary<String> piece = Arbitraries.frequencyOf(Tuple.of(3, codePoint), Tuple.of(1, word));
    return piece.list().ofMaxSize(120).map(l -> String.join("", l));
  }

  private static Arbitrary<String> cps(int from, int to) {
    return Arbitraries.integers().between(from, to).map(Character::toString);
  }

  private static String mutateCase(String s) {
    return s.toUpperCase() + " ";
  }

  /** 100 KB to 1 MB of mixed text, built without jqwik's per-character generators. */
  private static String hugeText(Random r) {
    int length = 100_000 + r.nextInt(900_001);
    List<String> terms = tokenizer().terms();
    StringBuilder sb = new StringBuilder(length + 64);
    while (sb.length() < length) {
      switch (r.nextInt(6)) {
        case 0 -> sb.append(terms.get(r.nextInt(terms.size()))).append(' ');
        case 1 -> sb.appendCodePoint(0x1f300 + r.nextInt(0x700));
        case 2 -> sb.appendCodePoint(0x0300 + r.nextInt(0x70));
        case 3 -> sb.appendCodePoint(0x4e00 + r.nextInt(0x5000));
        case 4 -> sb.append((char) r.nextInt(0x10000));
        default -> sb.append(r.nextBoolean() ? ' ' : '\n');
      }
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ encode

  @Property(tries = 300)
  void encodeIsTotalFiniteAndDeterministic(@ForAll("texts") String text, @ForAll @IntRange(max = 7) int offset) {
    Tokenizer t = tokenizer();
    int d = t.embeddingDim();
    float[] e = t.encode(text);
    assertEquals(d, e.length);
    for (float x : e) {
      assertTrue(Float.isFinite(x), () -> "non-finite value in " + Arrays.toString(e));
    }
    assertArrayEquals(e, t.encode(text));
    float[] dest = new float[offset + d + 3];
    Arrays.fill(dest, 42f);
    t.encodeInto(text, dest, offset);
    assertArrayEquals(e, Arrays.copyOfRange(dest, offset, offset + d));
    for (int i = 0; i < dest.length; i++) {
      if (i < offset || i >= offset + d) {
        assertEquals(42f, dest[i], "encodeInto wrote outside its range at " + i);
      }
    }
    double norm = 0;
    for (float x : e) {
      norm += (double) x * x;
    }
    assertTrue(Double.isFinite(norm));
  }

  // ------------------------------------------------------------------ decode

  @Provide
  Arbitrary<Integer> ks() {
    int v = tokenizer().vocabularySize();
    return Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.integers().between(1, 20)),
        Tuple.of(1, Arbitraries.integers().between(v - 2, v + 5)));
  }

  @Property(tries = 300)
  void decodeIsTotalSortedAndIndependentOfTheBatch(@ForAll("texts") String text, @ForAll("ks") int k,
      @ForAll @IntRange(max = 6) int position, @ForAll @IntRange(max = 6) int after, @ForAll long seed) {
    Tokenizer t = tokenizer();
    float[] e = t.encode(text);
    Tokenizer.Decoding d = t.decode(e, k);
    checkDecoding(t, d, k);
    assertEquals(d, t.decode(e, k), "decode twice");
    assertEquals(d, t.decode(e.clone(), k), "decode of a copy");

    Random r = new Random(seed);
    float[][] batch = new float[position + 1 + after][];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = i == position ? e : other(t, r);
    }
    List<Tokenizer.Decoding> all = t.decodeBatch(batch, k);
    assertEquals(batch.length, all.size());
    assertEquals(d, all.get(position), "decodeBatch at position " + position + " of " + batch.length);
    for (Tokenizer.Decoding o : all) {
      checkDecoding(t, o, k);
    }
  }

  /** Another embedding for the batch: random, zero, a vocabulary row, scaled or negated. */
  private static float[] other(Tokenizer t, Random r) {
    int dim = t.embeddingDim();
    float[] v = new float[dim];
    float[] voc = t.vocabEmbeddings().toArray();
    int row = r.nextInt(t.vocabularySize());
    switch (r.nextInt(5)) {
      case 0 -> {
        for (int i = 0; i < dim; i++) {
          v[i] = (float) r.nextGaussian();
        }
      }
      case 1 -> { } // zero
      case 2 -> System.arraycopy(voc, row * dim, v, 0, dim);
      case 3 -> {
        for (int i = 0; i < dim; i++) {
          v[i] = -1e-3f * voc[row * dim + i];
        }
      }
      default -> {
        for (int i = 0; i < dim; i++) {
          v[i] = 1e6f * voc[row * dim + i];
        }
      }
    }
    return v;
  }

  private static void checkDecoding(Tokenizer t, Tokenizer.Decoding d, int k) {
    List<Tokenizer.Candidate> top = d.topK();
    assertEquals(Math.min(k, t.vocabularySize()), top.size());
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < top.size(); i++) {
      Tokenizer.Candidate c = top.get(i);
      assertTrue(Float.isFinite(c.score()) && c.score() >= -1 - 1e-6 && c.score() <= 1 + 1e-6,
          "score " + c.score() + " of candidate " + i);
      assertTrue(c.index() >= 0 && c.index() < t.vocabularySize());
      assertEquals(t.vocabulary().get(c.index()), c.text());
      assertTrue(seen.add(c.index()), "index " + c.index() + " repeats");
      if (i > 0) {
        Tokenizer.Candidate p = top.get(i - 1);
        assertTrue(p.score() > c.score() || (p.score() == c.score() && p.index() < c.index()),
            "not sorted by (score desc, index asc): " + p + " before " + c);
      }
    }
    assertEquals(top.get(0).score(), d.confidence());
    assertEquals(d.confidence() > t.config().unknownThreshold() ? top.get(0).text() : Tokenizer.UNKNOWN,
        d.predictedText());
  }

  // ------------------------------------------------------------------ analyzer

  @Property(tries = 300)
  void analyzerTokensAreWordsOfTwoCodePointsWithoutStopWords(@ForAll("texts") String text) {
    List<String> tokens = TextAnalyzer.tokens(text);
    Set<String> stop = stopWords();
    for (String token : tokens) {
      assertTrue(token.codePointCount(0, token.length()) >= 2, () -> "short token " + escape(token));
      token.codePoints().forEach(cp -> assertTrue(pythonWordChar(cp),
          () -> "token " + escape(token) + " holds U+" + Integer.toHexString(cp)));
      assertFalse(stop.contains(token), () -> "stop word " + token);
    }
    List<String> grams = new TextAnalyzer(2).analyze(text);
    assertEquals(tokens, grams.subList(0, tokens.size()));
    assertEquals(tokens.isEmpty() ? 0 : 2 * tokens.size() - 1, grams.size());
  }

  /** Python's {@code \w} for str: alphabetic, numeric, or '_' (independent of TextAnalyzer.isWordChar). */
  private static boolean pythonWordChar(int cp) {
    if (cp == '_' || Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
  }

  private static Set<String> stopWords;

  private static synchronized Set<String> stopWords() {
    if (stopWords == null) {
      try (var in = TextAnalyzer.class.getResourceAsStream(TextAnalyzer.STOP_WORDS_RESOURCE)) {
        stopWords = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
            .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertEquals(318, stopWords.size());
    }
    return stopWords;
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> sb.append(cp < 0x80 && cp >= 0x20 ? String.valueOf((char) cp) : "\\u{" + Integer.toHexString(cp) + "}"));
    return sb.toString();
  }

  @Property(tries = 50)
  void knownTermsAreFoundAmidNoise(@ForAll("texts") String noise, @ForAll long seed) {
    Tokenizer t = tokenizer();
    List<String> terms = new ArrayList<>(t.terms());
    String term = terms.get(new Random(seed).nextInt(terms.size()));
    if (term.contains(" ")) {
      return;
    }
    // a known unigram surrounded by non-word characters is always a token
    List<String> tokens = TextAnalyzer.tokens(noise + " " + term + " " + noise);
    assertTrue(tokens.contains(term), term);
  }
}
