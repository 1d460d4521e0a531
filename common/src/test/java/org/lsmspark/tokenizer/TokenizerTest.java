package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TokenizerConfig;

class TokenizerTest {
  private static final double TOL_EMB = 1e-4;
  private static final double TOL_SCORE = 2e-4;
  private static final double TIE = 1e-5;

  private static Tokenizer tokenizer;
  private static List<JsonNode> expected;

  @BeforeAll
  static void load() throws IOException {
    tokenizer = Golden.modelTokenizer();
    expected = Golden.jsonLines("expected.jsonl");
  }

  @Test
  void tfidfIsTheUnitVectorEncodeProjects() {
    List<String> unigrams = tokenizer.terms().stream().filter(t -> !t.contains(" ")).limit(3).toList();
    String text = String.join(" ", unigrams) + ", " + unigrams.get(0);
    SparseVector x = tokenizer.tfidf(text);
    assertTrue(x.size() >= 3, "the text has three known terms: " + x);
    int first = tokenizer.terms().indexOf(unigrams.get(0));
    int second = tokenizer.terms().indexOf(unigrams.get(1));
    float[] idf = tokenizer.idf().toArray();
    assertEquals(2.0 * idf[first] / (double) idf[second], value(x, first) / value(x, second), 1e-9, "counts times idf");
    assertEquals(1.0, x.dot(x), 1e-12);
    float[] comps = tokenizer.components().toArray();
    int f = tokenizer.featureCount();
    float[] want = new float[tokenizer.embeddingDim()];
    for (int d = 0; d < want.length; d++) {
      double acc = 0;
      for (int p = 0; p < x.size(); p++) {
        assertTrue(x.index(p) >= 0 && x.index(p) < f);
        acc += x.value(p) * comps[d * f + x.index(p)];
      }
      want[d] = (float) acc;
    }
    String outside = text + " zzzz";
    assertTrue(tokenizer.indexOf(outside) < 0);
    assertArrayEquals(want, tokenizer.encode(outside), 1e-6f);
    assertEquals(0, tokenizer.tfidf("the a of !").size(), "stop words and punctuation only: no terms");
    assertEquals(0.0, x.dot(tokenizer.tfidf("zzzz qqqq")));
  }

  private static double value(SparseVector x, int term) {
    for (int p = 0; p < x.size(); p++) {
      if (x.index(p) == term) {
        return x.value(p);
      }
    }
    return 0;
  }

  @Test
  void wordsKeepStopWordsAndDropOneLetterRuns() {
    assertEquals(List.of("the", "cat", "on", "mat_2", "café"), Tokenizer.words("The CAT's on a MAT_2, café!"));
    assertEquals(List.of(), Tokenizer.words("a b c"));
  }

  @Test
  void shapes() {
    assertEquals(32, tokenizer.embeddingDim());
    assertEquals(236, tokenizer.featureCount());
    assertEquals(958, tokenizer.vocabularySize());
    assertEquals(0, tokenizer.indexOf(tokenizer.vocabulary().get(0)));
    assertEquals(-1, tokenizer.indexOf("certainly not a vocabulary turn"));
  }

  @Test
  void encodesEveryWindowTurnLikeTheReference() throws IOException {
    List<JsonNode> windows = Golden.jsonLines("windows.jsonl");
    Tensor ref = Golden.npy("debug/window_embeddings.npy");
    int w = ref.shape()[1];
    int d = ref.shape()[2];
    assertEquals(windows.size(), ref.shape()[0]);
    float[] dest = new float[w * d + 3];
    int known = 0;
    for (int n = 0; n < windows.size(); n++) {
      JsonNode turns = windows.get(n).get("turns");
      assertEquals(w, turns.size());
      for (int t = 0; t < w; t++) {
        String text = turns.get(t).textValue();
        known += tokenizer.indexOf(text) >= 0 ? 1 : 0;
        float[] e = tokenizer.encode(text);
        tokenizer.encodeInto(text, dest, 3 + t * d);
        for (int j = 0; j < d; j++) {
          double want = ref.get((n * w + t) * d + j);
          if (Math.abs(e[j] - want) > TOL_EMB * Math.max(1, Math.abs(want))) {
            fail("window " + n + " turn " + t + " dim " + j + ": " + e[j] + ", expected " + want + " for " + text);
          }
          assertEquals(e[j], dest[3 + t * d + j]);
        }
      }
    }
    assertTrue(known > 0 && known < windows.size() * w, "the fixture mixes vocabulary and new turns");
  }

  @Test
  void encodesNothingKnownAsZero() {
    assertArrayEquals(new float[32], tokenizer.encode(""));
    assertArrayEquals(new float[32], tokenizer.encode("the a of ?! x"));
    NullPointerException e = assertThrows(NullPointerException.class, () -> tokenizer.encode(null));
    assertTrue(e.getMessage().contains("text"));
  }

  @Test
  void decodesExpectedEmbeddings() {
    for (JsonNode exp : expected) {
      Tokenizer.Decoding got = tokenizer.decode(floats(exp.get("embedding")), 5);
      checkDecoding(exp, got);
    }
  }

  @Test
  void batchSizeDoesNotChangeDecodings() {
    float[][] all = expected.stream().map(e -> floats(e.get("embedding"))).toArray(float[][]::new);
    assertEquals(46, all.length);
    List<Tokenizer.Decoding> whole = tokenizer.decodeBatch(all, 5);
    for (int batch : new int[] {1, 7, 46}) {
      List<Tokenizer.Decoding> pieces = new ArrayList<>();
      for (int i = 0; i < all.length; i += batch) {
        float[][] part = Arrays.copyOfRange(all, i, Math.min(all.length, i + batch));
        pieces.addAll(tokenizer.decodeBatch(part, 5));
      }
      assertEquals(whole, pieces, "batch size " + batch);
    }
    for (int i = 0; i < all.length; i++) {
      checkDecoding(expected.get(i), whole.get(i));
    }
  }

  @Test
  void smallBlocksGiveTheSameResult() {
    float[][] all = expected.stream().map(e -> floats(e.get("embedding"))).toArray(float[][]::new);
    float[] values = tokenizer.vocabEmbeddings().toArray();
    VocabularyIndex.Hit[][] big = new VocabularyIndex(values, 958, 32).topK(all, 7);
    VocabularyIndex.Hit[][] small = new VocabularyIndex(values, 958, 32, 100).topK(all, 7);
    for (int i = 0; i < all.length; i++) {
      assertArrayEquals(big[i], small[i], "query " + i);
    }
  }

  @Test
  void zeroEmbeddingIsUnknown() {
    Tokenizer.Decoding d = tokenizer.decode(new float[32], 3);
    assertEquals(Tokenizer.UNKNOWN, d.predictedText());
    assertEquals(0f, d.confidence());
    assertEquals(List.of(0, 1, 2), d.topK().stream().map(Tokenizer.Candidate::index).toList());
  }

  @Test
  void kIsClampedToTheVocabulary() {
    assertEquals(958, tokenizer.decode(floats(expected.get(0).get("embedding")), 5000).topK().size());
    assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new float[32], 0));
    assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new float[31], 1));
  }

  @Test
  void identicalEmbeddingsTieByIndex() {
    TokenizerConfig config = TokenizerConfig.defaults();
    float[] emb = {1, 0, 0.6f, 0.8f, 0.6f, 0.8f, 0, 0};
    Tokenizer t = new Tokenizer(config, List.of("aa", "bb"), Tensor.of(new float[] {1, 1}, 2),
        Tensor.of(new float[] {1, 0, 0, 1}, 2, 2), List.of("a", "b", "c", "d"), Tensor.of(emb, 4, 2));
    Tokenizer.Decoding d = t.decode(new float[] {3, 4}, 4);
    assertEquals(List.of(1, 2, 0, 3), d.topK().stream().map(Tokenizer.Candidate::index).toList());
    assertEquals("b", d.predictedText());
    assertEquals(1f, d.confidence(), 1e-6f);
    assertEquals(d.topK().get(0).score(), d.topK().get(1).score());
    assertEquals(0.6f, d.topK().get(2).score(), 1e-6f);
    assertEquals(0f, d.topK().get(3).score(), "a zero vocabulary row has similarity 0");
  }

  @Test
  void rejectsTensorsOfTheWrongShape() {
    TokenizerConfig config = TokenizerConfig.defaults();
    Tensor comps = Tensor.of(new float[4], 2, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer(config,
        List.of("aa", "bb"), Tensor.of(new float[5], 5), comps, List.of("a"), Tensor.of(new float[2], 1, 2)));
    assertEquals("tokenizer/idf.npy: shape [5], expected [2]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer(config,
        List.of("aa", "bb"), Tensor.of(new float[2], 2), comps, List.of("a"), Tensor.of(new float[3], 1, 3)));
    assertEquals("tokenizer/vocab_embeddings.npy: shape [1, 3], expected [1, 2]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer(config,
        List.of("aa", "bb"), Tensor.of(new float[2], 2), Tensor.of(new float[3], 1, 3), List.of("a"),
        Tensor.of(new float[1], 1, 1)));
    assertTrue(e.getMessage().startsWith("tokenizer/components.npy: shape [1, 3]"), e.getMessage());
  }

  @Test
  void rejectsATurnOrTermTwice() {
    TokenizerConfig config = TokenizerConfig.defaults();
    Tensor comps = Tensor.of(new float[4], 2, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer(config,
        List.of("aa", "bb"), Tensor.of(new float[2], 2), comps, List.of("a", "b", "a"), Tensor.of(new float[6], 3, 2)));
    assertEquals("tokenizer/vocab.jsonl: turn \"a\" appears on lines 1 and 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer(config,
        List.of("bb", "bb"), Tensor.of(new float[2], 2), comps, List.of("a"), Tensor.of(new float[2], 1, 2)));
    assertEquals("tokenizer/terms.txt: term \"bb\" appears on lines 1 and 2", e.getMessage());
  }

  /** The rule of check_predictions.py: scores within 2e-4, texts equal or tied in the reference. */
  private static void checkDecoding(JsonNode exp, Tokenizer.Decoding got) {
    String id = exp.get("id").asText();
    Map<String, Double> tied = new HashMap<>();
    JsonNode cands = exp.get("candidates");
    cands.fieldNames().forEachRemaining(f -> tied.put(f, cands.get(f).asDouble()));
    JsonNode top = exp.get("top_k");
    assertEquals(top.size(), got.topK().size(), id);
    for (int r = 0; r < top.size(); r++) {
      double want = top.get(r).get("score").asDouble();
      Tokenizer.Candidate c = got.topK().get(r);
      assertEquals(want, c.score(), TOL_SCORE, id + " rank " + r);
      String wantText = top.get(r).get("text").asText();
      if (!c.text().equals(wantText)) {
        assertTrue(tied.containsKey(c.text()) && Math.abs(tied.get(c.text()) - want) <= TIE,
            id + " rank " + r + ": " + c.text() + ", expected " + wantText);
      }
    }
    double conf = exp.get("confidence").asDouble();
    assertEquals(conf, got.confidence(), TOL_SCORE, id + " confidence");
    String wantPredicted = exp.get("predicted_text").asText();
    if (!got.predictedText().equals(wantPredicted)) {
      assertTrue(!wantPredicted.equals(Tokenizer.UNKNOWN) && tied.containsKey(got.predictedText())
          && Math.abs(tied.get(got.predictedText()) - top.get(0).get("score").asDouble()) <= TIE,
          id + " predicted " + got.predictedText() + ", expected " + wantPredicted);
    }
  }

  private static float[] floats(JsonNode array) {
    float[] f = new float[array.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) array.get(i).asDouble();
    }
    return f;
  }

  /**
   * Decoding on a given fork-join pool (as the inference engine does, with its own threads) gives
   * the same decodings as on the common pool, from outside the pool and from inside one of its
   * tasks, and a bad argument still fails with its own exception; from then on ND4J's BLAS runs a
   * call on its caller's thread alone (the pool's threads own the cores).
   */
  @Test
  void decodingOnAGivenPoolIsTheSameAndFailsTheSame() throws Exception {
    java.util.Random rng = new java.util.Random(5);
    float[][] q = new float[40][tokenizer.embeddingDim()];
    for (float[] e : q) {
      for (int d = 0; d < e.length; d++) {
        e[d] = (float) rng.nextGaussian();
      }
    }
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(3);
    try {
      List<Tokenizer.Decoding> want = tokenizer.decodeBatch(q, 5, DecodeMode.EXACT);
      assertEquals(want, tokenizer.decodeBatch(q, 5, DecodeMode.EXACT, pool));
      assertEquals(1, org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads());
      assertEquals(want, pool.submit(() -> tokenizer.decodeBatch(q, 5, DecodeMode.EXACT, pool)).get());
      assertThrows(IllegalArgumentException.class, () -> tokenizer.decodeBatch(q, 0, DecodeMode.EXACT, pool));
    } finally {
      pool.shutdownNow();
    }
  }
}
