package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TokenizerConfig;

class TokenizerFitterTest {

  @Test
  void reproducesTheGoldenTokenizer() throws IOException {
    JsonNode params;
    try (InputStream in = Golden.class.getResourceAsStream(Golden.ROOT + "tokenizer-fit/params.json")) {
      params = Golden.JSON.readTree(in);
    }
    List<String> corpus = Golden.jsonStrings("tokenizer-fit/corpus.jsonl");
    long start = System.nanoTime();
    TokenizerFitter.Fit fit = TokenizerFitter.fitWithSingularValues(
        corpus, Golden.config(params), params.get("embedding_dim").asInt());
    System.out.printf("fit of %d turns took %d ms%n", corpus.size(), (System.nanoTime() - start) / 1_000_000);
    Tokenizer t = fit.tokenizer();

    assertEquals(Golden.lines("model/tokenizer/terms.txt"), t.terms());
    assertEquals(Golden.jsonStrings("model/tokenizer/vocab.jsonl"), t.vocabulary());
    assertClose("idf", Golden.npy("model/tokenizer/idf.npy"), t.idf(), 1e-6);
    assertClose("components", Golden.npy("model/tokenizer/components.npy"), t.components(), 1e-4);
    assertClose("vocab_embeddings", Golden.npy("model/tokenizer/vocab_embeddings.npy"), t.vocabEmbeddings(), 1e-4);
    Tensor sv = Golden.npy("tokenizer-fit/singular_values.npy");
    double[] want = new double[sv.size()];
    for (int i = 0; i < want.length; i++) {
      want[i] = sv.get(i);
    }
    double[] got = fit.singularValues();
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5 * Math.max(1, want[i]), "singular value " + i);
    }
  }

  @Test
  void maxFeaturesKeepsTheCodePointSmallerTermOnTies() {
    // every term has df 2; totals zz 3, yy 3, aa 2, bb 2, cc 2: the cut at 3 splits the tie of 2s
    List<String> turns = List.of("zz zz bb", "zz cc aa", "bb cc aa", "yy yy", "yy");
    TokenizerConfig config = TokenizerConfig.defaults().withNgramMax(1).withMaxFeatures(3);
    Tokenizer t = TokenizerFitter.fit(turns, config, 8);
    assertEquals(List.of("aa", "yy", "zz"), t.terms());
  }

  @Test
  void maxFeaturesTieBreakUsesCodePointsNotUtf16() {
    String bmpHigh = "\uFF41\uFF41";   // fullwidth "ａａ", U+FF41
    String astral = "𝐚𝐚";              // U+1D41A, UTF-16 surrogates sort it before U+FF41
    List<String> turns = List.of(bmpHigh + " " + astral + " kk kk", bmpHigh + " " + astral + " kk");
    Tokenizer t = TokenizerFitter.fit(turns, TokenizerConfig.defaults().withNgramMax(1).withMaxFeatures(2), 4);
    assertEquals(List.of("kk", bmpHigh), t.terms());
  }

  @Test
  void fewTermsUseThePaddedIdentity() {
    List<String> turns = List.of("red apple", "green apple", "red car", "red apple");
    Tokenizer t = TokenizerFitter.fit(turns, TokenizerConfig.defaults().withNgramMax(1), 4);
    assertEquals(List.of("apple", "red"), t.terms());
    assertEquals(List.of("red apple", "green apple", "red car"), t.vocabulary());
    assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0, 0, 0}, t.components().toArray());
    double n = 3;
    float idfApple = (float) (Math.log((1 + n) / (1 + 2)) + 1);
    float idfRed = (float) (Math.log((1 + n) / (1 + 2)) + 1);
    assertArrayEquals(new float[] {idfApple, idfRed}, t.idf().toArray());
    float s = (float) Math.sqrt(0.5);
    assertArrayEquals(new float[] {s, s, 0, 0}, t.encode("red apple"), 1e-7f);
    assertArrayEquals(new float[] {1, 0, 0, 0}, t.encode("green apple"), 1e-7f);
    assertArrayEquals(new float[] {0, 1, 0, 0}, t.encode("red car"), 1e-7f);
    assertEquals("red apple", t.decode(new float[] {1, 1.1f, 0, 0}, 1).predictedText());
  }

  @Test
  void refusesACorpusWithoutFrequentTerms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TokenizerFitter.fit(List.of("one turn", "another"), TokenizerConfig.defaults(), 4));
    assertEquals("no term occurs in at least min_df=2 of the 2 distinct turns", e.getMessage());
  }

  private static void assertClose(String name, Tensor want, Tensor got, double tol) {
    assertArrayEquals(want.shape(), got.shape(), name + " shape");
    for (int i = 0; i < got.size(); i++) {
      double w = want.get(i);
      if (Math.abs(got.get(i) - w) > tol * Math.max(1, Math.abs(w))) {
        fail(name + "[" + i + "]: " + got.get(i) + ", expected " + w);
      }
    }
  }
}
