package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntConsumer;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Next-turn retrieval on held-out conversations. For every window (see {@link Windows}) the
 * model's predicted embedding ranks the whole vocabulary by cosine similarity; the rank of the
 * gold turn (1-based, ties by vocabulary index, computed exactly in double precision) gives
 * hit@1, hit@5, hit@10 and the reciprocal rank. The gold turn is the actual next turn when it is
 * a vocabulary turn, else the vocabulary turn nearest to its embedding.
 *
 * <p>Three baselines rank the vocabulary the same way on the same windows, each by similarity to
 * one vocabulary turn's embedding: a random vocabulary turn (drawn per window from the seed), the
 * most frequent gold turn of the evaluated windows (an oracle constant, ties by index), and the
 * last context turn (its own embedding, which ranks itself and its duplicates first).
 * Confidence is the best similarity, as in decoding.
 *
 * <p>The same windows and predictions are also scored with the 1-of-100 protocol
 * ({@link OneOfHundred}) when the corpus has at least 100 distinct turns.
 */
public final class Evaluator {
  /** Windows ranked together: one preselection product over the vocabulary per batch. */
  static final int QUERY_BATCH = 64;

  public record Metrics(double hitAt1, double hitAt5, double hitAt10, double mrr, double meanConfidence) {}

  /** @param oneOfHundred the 1-of-100 results, null when the corpus has fewer than 100 distinct turns */
  public record Report(int windows, double goldInVocabulary, Metrics model, Metrics random,
      Metrics mostFrequent, Metrics nearestToLast, OneOfHundred.Report oneOfHundred) {}

  private Evaluator() {}

  /**
   * @param maxWindows 0 for every window, else a sample of that many drawn from {@code seed}
   * @param progress called with the number of windows done, now and then
   */
  public static Report evaluate(LsmModel model, List<List<String>> dialogues, int maxWindows, long seed,
      IntConsumer progress) {
    return evaluate(model, dialogues, maxWindows, seed,
        (distinct, golds) -> CandidatePools.draw(distinct, golds, seed), progress);
  }

  /** As above, with the 1-of-100 pools from {@code pools} (tests feed pools drawn elsewhere). */
  static Report evaluate(LsmModel model, List<List<String>> dialogues, int maxWindows, long seed,
      CandidatePools.Source pools, IntConsumer progress) {
    Objects.requireNonNull(model, "model");
    if (maxWindows < 0) {
      throw new IllegalArgumentException("--max-windows must be 0 (all) or more, got " + maxWindows);
    }
    List<Integer> all = new ArrayList<>();
    for (int d = 0; d < dialogues.size(); d++) {
      all.add(d);
    }
    List<Windows.Ref> refs = Windows.of(dialogues, all);
    Random rng = new Random(seed);
    if (maxWindows > 0 && refs.size() > maxWindows) {
      int[] idx = new int[refs.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i;
      }
      for (int i = idx.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
      int[] kept = java.util.Arrays.copyOf(idx, maxWindows);
      java.util.Arrays.sort(kept);
      List<Windows.Ref> sample = new ArrayList<>(maxWindows);
      for (int i : kept) {
        sample.add(refs.get(i));
      }
      refs = sample;
    }
    int n = refs.size();
    if (n == 0) {
      throw new IllegalArgumentException("no windows to evaluate: every conversation has fewer than 2 turns");
    }
    Tokenizer tok = model.tokenizer();
    int v = tok.vocabularySize();
    int dim = tok.embeddingDim();
    float[] vocab = tok.vocabEmbeddings().toArray();

    // gold turns
    int[] gold = new int[n];
    int inVocab = 0;
    List<Integer> outside = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      gold[i] = tok.indexOf(Windows.target(dialogues, refs.get(i)));
      if (gold[i] >= 0) {
        inVocab++;
      } else {
        outside.add(i);
      }
    }
    for (int from = 0; from < outside.size(); from += QUERY_BATCH) {
      int m = Math.min(QUERY_BATCH, outside.size() - from);
      float[][] q = new float[m][];
      for (int k = 0; k < m; k++) {
        q[k] = tok.encode(Windows.target(dialogues, refs.get(outside.get(from + k))));
      }
      List<Tokenizer.Decoding> nearest = tok.decodeBatch(q, 1);
      for (int k = 0; k < m; k++) {
        gold[outside.get(from + k)] = nearest.get(k).topK().get(0).index();
      }
    }
    // the most frequent gold turn, ties by index
    java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
    int frequent = -1;
    int frequentCount = 0;
    for (int g : gold) {
      int c = counts.merge(g, 1, Integer::sum);
      if (c > frequentCount || (c == frequentCount && g < frequent)) {
        frequent = g;
        frequentCount = c;
      }
    }
    float[] frequentQuery = java.util.Arrays.copyOfRange(vocab, frequent * dim, (frequent + 1) * dim);
    OneOfHundred oneOfHundred = null;
    List<String> distinct = CandidatePools.distinctTexts(dialogues);
    if (distinct.size() >= CandidatePools.SIZE) {
      List<String> golds = new ArrayList<>(n);
      for (Windows.Ref ref : refs) {
        golds.add(Windows.target(dialogues, ref));
      }
      oneOfHundred = new OneOfHundred(tok, pools.pools(distinct, golds), frequentQuery, seed);
    }

    Accumulator mAcc = new Accumulator();
    Accumulator rAcc = new Accumulator();
    Accumulator fAcc = new Accumulator();
    Accumulator lAcc = new Accumulator();
    int window = model.windowSize();
    for (int from = 0; from < n; from += QUERY_BATCH) {
      int m = Math.min(QUERY_BATCH, n - from);
      float[][] q = new float[4 * m][];
      int[] g = new int[4 * m];
      for (int k = 0; k < m; k++) {
        Windows.Ref ref = refs.get(from + k);
        List<String> context = Windows.context(dialogues, ref, window);
        int r = rng.nextInt(v);
        q[k] = model.embedWindow(context);
        if (oneOfHundred != null) {
          oneOfHundred.add(from + k, context, q[k]);
        }
        q[m + k] = java.util.Arrays.copyOfRange(vocab, r * dim, (r + 1) * dim);
        q[2 * m + k] = frequentQuery;
        q[3 * m + k] = tok.encode(context.get(window - 1));
        for (int s = 0; s < 4; s++) {
          g[s * m + k] = gold[from + k];
        }
      }
      long[] ranks = tok.ranks(q, g);
      List<Tokenizer.Decoding> best = tok.decodeBatch(q, 1);
      Accumulator[] accs = {mAcc, rAcc, fAcc, lAcc};
      for (int s = 0; s < 4; s++) {
        for (int k = 0; k < m; k++) {
          accs[s].add(ranks[s * m + k], best.get(s * m + k).confidence());
        }
      }
      if (progress != null) {
        progress.accept(from + m);
      }
    }
    return new Report(n, inVocab / (double) n, mAcc.metrics(), rAcc.metrics(), fAcc.metrics(), lAcc.metrics(),
        oneOfHundred == null ? null : oneOfHundred.report());
  }

  private static final class Accumulator {
    long n;
    long hit1;
    long hit5;
    long hit10;
    double rr;
    double confidence;

    void add(long goldRank, double bestScore) {
      n++;
      hit1 += goldRank <= 1 ? 1 : 0;
      hit5 += goldRank <= 5 ? 1 : 0;
      hit10 += goldRank <= 10 ? 1 : 0;
      rr += 1.0 / goldRank;
      confidence += bestScore;
    }

    Metrics metrics() {
      return new Metrics(hit1 / (double) n, hit5 / (double) n, hit10 / (double) n, rr / n, confidence / n);
    }
  }
}
