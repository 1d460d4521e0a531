package org.lsmspark.training;

import java.util.List;
import java.util.SplittableRandom;
import org.lsmspark.tokenizer.SparseVector;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * The 1-of-100 response-selection protocol (Henderson et al. 2019), as
 * {@code quality_eval.py} computes it: each window's gold next turn is ranked among itself and
 * its 99 distractors ({@link CandidatePools}) by cosine similarity with the prediction; its rank
 * is 1 + the number of distractors scoring at least as high (ties count against the gold).
 *
 * <p>Baselines rank the same candidates with the same rule: seeded random scores; cosine with
 * one constant query (the most frequent gold turn, as the full-vocabulary baseline); cosine
 * with the last context turn's embedding; sparse TF-IDF cosine with the context turns joined by
 * a space; and {@link Bm25} with that query over the collection of every candidate text.
 * Windows must be added in order, from one thread.
 */
public final class OneOfHundred {
  public record Metrics(double recallAt1, double recallAt10, double mrr) {}

  public record Report(int candidates, Metrics model, Metrics random, Metrics mostFrequent,
      Metrics nearestToLast, Metrics tfidfContext, Metrics bm25) {}

  private static final int N = CandidatePools.SIZE;

  private final Tokenizer tokenizer;
  private final CandidatePools pools;
  private final CandidateTexts texts;
  private final Bm25 bm25;
  private final double[] frequentQuery;
  private final SplittableRandom random;
  private final Tally model = new Tally();
  private final Tally randomTally = new Tally();
  private final Tally frequentTally = new Tally();
  private final Tally lastTally = new Tally();
  private final Tally tfidfTally = new Tally();
  private final Tally bm25Tally = new Tally();
  private int next;

  /**
   * @param frequentQuery the embedding the most-frequent baseline ranks by
   * @param seed seeds the random baseline's scores
   */
  OneOfHundred(Tokenizer tokenizer, CandidatePools pools, float[] frequentQuery, long seed) {
    this.tokenizer = tokenizer;
    this.pools = pools;
    this.texts = new CandidateTexts(tokenizer, pools.texts());
    this.bm25 = new Bm25(pools.texts());
    this.frequentQuery = CandidateTexts.unit(frequentQuery);
    this.random = new SplittableRandom(seed);
  }

  /** Scores window {@code window} (the next in order) with the model's predicted embedding. */
  void add(int window, List<String> context, float[] prediction) {
    if (window != next) {
      throw new IllegalStateException("window " + window + " added, expected window " + next);
    }
    next++;
    int[] cands = new int[N];
    for (int k = 0; k < N; k++) {
      cands[k] = pools.candidate(window, k);
    }
    model.add(rank(cosines(cands, CandidateTexts.unit(prediction))));
    double[] r = new double[N];
    for (int k = 0; k < N; k++) {
      r[k] = random.nextDouble();
    }
    randomTally.add(rank(r));
    frequentTally.add(rank(cosines(cands, frequentQuery)));
    lastTally.add(rank(cosines(cands, texts.unitOf(context.get(context.size() - 1)))));
    String joined = String.join(" ", context);
    SparseVector query = tokenizer.tfidf(joined);
    double[] sparse = new double[N];
    for (int k = 0; k < N; k++) {
      sparse[k] = texts.tfidf(cands[k]).dot(query);
    }
    tfidfTally.add(rank(sparse));
    bm25Tally.add(rank(bm25.scores(joined, cands)));
  }

  private double[] cosines(int[] cands, double[] unitQuery) {
    double[] s = new double[N];
    for (int k = 0; k < N; k++) {
      s[k] = texts.cosine(cands[k], unitQuery);
    }
    return s;
  }

  /** 1 + the number of candidates after the first (the gold) scoring at least as high as it. */
  static int rank(double[] scores) {
    int rank = 1;
    for (int k = 1; k < scores.length; k++) {
      if (scores[k] >= scores[0]) {
        rank++;
      }
    }
    return rank;
  }

  Report report() {
    if (next != pools.windows()) {
      throw new IllegalStateException(next + " of " + pools.windows() + " windows were scored");
    }
    return new Report(N, model.metrics(), randomTally.metrics(), frequentTally.metrics(), lastTally.metrics(),
        tfidfTally.metrics(), bm25Tally.metrics());
  }

  private static final class Tally {
    long n;
    long top1;
    long top10;
    double rr;

    void add(int rank) {
      n++;
      top1 += rank <= 1 ? 1 : 0;
      top10 += rank <= 10 ? 1 : 0;
      rr += 1.0 / rank;
    }

    Metrics metrics() {
      return new Metrics(top1 / (double) n, top10 / (double) n, rr / n);
    }
  }
}
