package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;
import org.lsmspark.model.TestModels;

class EvaluatorTest {
  static final int V = 15;

  /**
   * A model whose 15 vocabulary turns lie in one plane at 0°, 8°, ..., 112°, so cosine ranks are
   * known: seen from turn 0 turn i ranks i + 1, from turn 14 it ranks 15 − i. The only term
   * outside the vocabulary's turns that encodes to something, "w0" alone, lies at 40° (turn 5).
   */
  static LsmModel planeModel() {
    TestModels models = TestModels.builder().vocab(V).dim(12).terms(20);
    ModelBundle random = models.build();
    int dim = 12;
    float[] vocab = new float[V * dim];
    for (int i = 0; i < V; i++) {
      double a = Math.toRadians(8 * i);
      vocab[i * dim] = (float) Math.cos(a);
      vocab[i * dim + 1] = (float) Math.sin(a);
    }
    int f = random.terms().size();
    float[] components = new float[dim * f];
    int w0 = random.terms().indexOf("w0");
    components[w0] = vocab[5 * dim];
    components[f + w0] = vocab[5 * dim + 1];
    Map<String, Tensor> tensors = new TreeMap<>(random.tensors());
    tensors.put(WeightFiles.VOCAB_EMBEDDINGS, Tensor.of(vocab, V, dim));
    tensors.put(WeightFiles.COMPONENTS, Tensor.of(components, dim, f));
    return LsmModel.of(ModelBundle.of(random.config(), random.terms(), random.vocabulary(), tensors));
  }

  static String turn(int i) {
    return TestModels.turn(i, 20);
  }

  @Test
  void fullVocabularyRanksMatchHandComputedOnes() {
    LsmModel model = planeModel();
    // every window's last context turn is turn 0; golds 0, 14 (three times), 4, 9, 10 and "w0" (→ turn 5)
    List<List<String>> held = new ArrayList<>();
    for (Object g : List.of(0, 14, 14, 14, 4, 9, 10, "w0")) {
      held.add(List.of(turn(0), g instanceof Integer i ? turn(i) : (String) g));
    }
    Evaluator.Report r = Evaluator.evaluate(model, held, 0, 1, null);
    assertEquals(8, r.windows());
    assertEquals(7 / 8.0, r.goldInVocabulary());
    // nearest to last (turn 0): ranks 1, 15, 15, 15, 5, 10, 11, 6
    assertMetrics(r.nearestToLast(), 1 / 8.0, 2 / 8.0, 4 / 8.0, (1 + 3 / 15.0 + 1 / 5.0 + 1 / 10.0 + 1 / 11.0 + 1 / 6.0) / 8);
    // most frequent gold, turn 14: ranks 15, 1, 1, 1, 11, 6, 5, 10
    assertMetrics(r.mostFrequent(), 3 / 8.0, 4 / 8.0, 6 / 8.0, (1 / 15.0 + 3 + 1 / 11.0 + 1 / 6.0 + 1 / 5.0 + 1 / 10.0) / 8);
    assertEquals(1.0, r.mostFrequent().meanConfidence(), 1e-6);
    assertEquals(1.0, r.nearestToLast().meanConfidence(), 1e-6);

    // the model's ranks by brute force over the vocabulary (ties by index)
    int[] golds = {0, 14, 14, 14, 4, 9, 10, 5};
    double[] hits = new double[3];
    double rr = 0;
    for (int w = 0; w < 8; w++) {
      float[] p = model.embedWindow(List.of("", "", "", "", "", turn(0)));
      int rank = bruteForceRank(model, p, golds[w]);
      hits[0] += rank <= 1 ? 1 : 0;
      hits[1] += rank <= 5 ? 1 : 0;
      hits[2] += rank <= 10 ? 1 : 0;
      rr += 1.0 / rank;
    }
    assertMetrics(r.model(), hits[0] / 8, hits[1] / 8, hits[2] / 8, rr / 8);

    assertTrue(r.random().mrr() > 0 && r.random().mrr() <= 1);
    assertEquals(r, Evaluator.evaluate(model, held, 0, 1, null), "the same seed gives the same report");
    assertEquals(2, Evaluator.evaluate(model, held, 2, 1, null).windows());
    assertNull(r.oneOfHundred(), "fewer than 100 distinct turns: no 1-of-100");
  }

  private static int bruteForceRank(LsmModel model, float[] p, int gold) {
    Tensor vocab = model.tokenizer().vocabEmbeddings();
    float[] v = vocab.toArray();
    int dim = p.length;
    double[] sims = new double[V];
    for (int i = 0; i < V; i++) {
      double dot = 0;
      double nv = 0;
      double np = 0;
      for (int d = 0; d < dim; d++) {
        dot += (double) v[i * dim + d] * p[d];
        nv += (double) v[i * dim + d] * v[i * dim + d];
        np += (double) p[d] * p[d];
      }
      sims[i] = dot / Math.sqrt(nv * np);
    }
    int rank = 1;
    for (int i = 0; i < V; i++) {
      if (sims[i] > sims[gold] || (sims[i] == sims[gold] && i < gold)) {
        rank++;
      }
    }
    return rank;
  }

  @Test
  void oneOfHundredRanksGivenPools() {
    LsmModel model = planeModel();
    List<List<String>> held = new ArrayList<>();
    for (int g : new int[] {3, 0, 14, 14}) {
      held.add(List.of(turn(0), turn(g)));
    }
    List<String> fillers = new ArrayList<>(); // no known term: zero vectors, zero scores
    for (int k = 0; k < 99; k++) {
      fillers.add("x" + k);
      held.add(List.of("x" + k)); // one-turn conversations: texts but no windows
    }
    List<List<String>> pools = new ArrayList<>();
    pools.add(withFillers(List.of(turn(1), turn(2), turn(4)), fillers));
    List<String> rest = new ArrayList<>();
    for (int i = 1; i < V; i++) {
      rest.add(turn(i));
    }
    pools.add(withFillers(rest, fillers));
    pools.add(fillers);
    pools.add(withFillers(List.of(turn(13)), fillers));
    List<String> golds = List.of(turn(3), turn(0), turn(14), turn(14));
    Evaluator.Report r = Evaluator.evaluate(model, held, 0, 5, (distinct, g) -> {
      assertEquals(golds, g);
      return CandidatePools.of(g, pools);
    }, null);
    OneOfHundred.Report h = r.oneOfHundred();
    assertEquals(100, h.candidates());
    // seen from turn 0: the gold turn 3 is beaten by turns 1 and 2; turn 0 is first; turn 14
    // (cos 112° < 0) loses to the zero fillers, and to turn 13
    assertOneOf(h.nearestToLast(), 1 / 4.0, 2 / 4.0, (1 / 3.0 + 1 + 0.01 + 0.01) / 4);
    // most frequent gold turn 14 (at 88° turn 3 loses to turn 4 at 80°): ranks 2, 100, 1, 1
    assertOneOf(h.mostFrequent(), 2 / 4.0, 3 / 4.0, (0.5 + 0.01 + 1 + 1) / 4);
    // lexical: the context is turn 0 ("w0 w3 w5"); turn 3 shares w3 with it, turn 0 is it, turns
    // 14 and 13 share nothing and tie with the fillers at 0
    assertOneOf(h.tfidfContext(), 2 / 4.0, 2 / 4.0, (1 + 1 + 0.01 + 0.01) / 4);
    assertOneOf(h.bm25(), 2 / 4.0, 2 / 4.0, (1 + 1 + 0.01 + 0.01) / 4);
    double r1 = 0;
    double r10 = 0;
    double rr = 0;
    for (int w = 0; w < 4; w++) {
      double[] p = CandidateTexts.unit(model.embedWindow(List.of("", "", "", "", "", turn(0))));
      double[] s = new double[100];
      s[0] = cosine(model, golds.get(w), p);
      for (int k = 0; k < 99; k++) {
        s[k + 1] = cosine(model, pools.get(w).get(k), p);
      }
      int rank = OneOfHundred.rank(s);
      r1 += rank == 1 ? 1 : 0;
      r10 += rank <= 10 ? 1 : 0;
      rr += 1.0 / rank;
    }
    assertOneOf(h.model(), r1 / 4, r10 / 4, rr / 4);
    assertEquals(r, Evaluator.evaluate(model, held, 0, 5, (d, g) -> CandidatePools.of(g, pools), null));
    assertNotEquals(h.random(), Evaluator.evaluate(model, held, 0, 6, (d, g) -> CandidatePools.of(g, pools), null)
        .oneOfHundred().random(), "the random baseline follows the seed");
  }

  private static double cosine(LsmModel model, String text, double[] unitQuery) {
    double[] c = CandidateTexts.unit(model.tokenizer().encode(text));
    double s = 0;
    for (int d = 0; d < c.length; d++) {
      s += c[d] * unitQuery[d];
    }
    return s;
  }

  private static List<String> withFillers(List<String> first, List<String> fillers) {
    List<String> out = new ArrayList<>(first);
    out.addAll(fillers.subList(0, 99 - first.size()));
    return out;
  }

  private static void assertOneOf(OneOfHundred.Metrics m, double r1, double r10, double mrr) {
    assertEquals(r1, m.recallAt1(), 1e-12, "recall@1");
    assertEquals(r10, m.recallAt10(), 1e-12, "recall@10");
    assertEquals(mrr, m.mrr(), 1e-12, "mrr");
  }

  private static void assertMetrics(Evaluator.Metrics m, double hit1, double hit5, double hit10, double mrr) {
    assertEquals(hit1, m.hitAt1(), 1e-12, "hit@1");
    assertEquals(hit5, m.hitAt5(), 1e-12, "hit@5");
    assertEquals(hit10, m.hitAt10(), 1e-12, "hit@10");
    assertEquals(mrr, m.mrr(), 1e-12, "mrr");
  }
}
