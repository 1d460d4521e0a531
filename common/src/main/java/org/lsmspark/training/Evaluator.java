package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntConsumer;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.tokenizer.Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 */
public final class Evaluator {
  /** Float32 scores are only trusted this far; closer scores are recomputed in double. */
  static final float MARGIN = 1e-4f;
  static final int QUERY_BATCH = 64;

  public record Metrics(double hitAt1, double hitAt5, double hitAt10, double mrr, double meanConfidence) {}

  public record Report(int windows, double goldInVocabulary, Metrics model, Metrics random,
      Metrics mostFrequent, Metrics nearestToLast) {}

  private Evaluator() {}

  /**
   * @param maxWindows 0 for every window, else a sample of that many drawn from {@code seed}
   * @param progress called with the number of windows done, now and then
   */
  public static Report evaluate(LsmModel model, List<List<String>> dialogues, int maxWindows, long seed,
      IntConsumer progress) {
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
    Ranker ranker = new Ranker(vocab, v, dim);

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
      Ranker.Ranked[] r = ranker.rank(q, new int[m]);
      for (int k = 0; k < m; k++) {
        gold[outside.get(from + k)] = r[k].best();
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
        q[m + k] = java.util.Arrays.copyOfRange(vocab, r * dim, (r + 1) * dim);
        q[2 * m + k] = frequentQuery;
        q[3 * m + k] = tok.encode(context.get(window - 1));
        for (int s = 0; s < 4; s++) {
          g[s * m + k] = gold[from + k];
        }
      }
      Ranker.Ranked[] ranked = ranker.rank(q, g);
      for (int k = 0; k < m; k++) {
        mAcc.add(ranked[k]);
        rAcc.add(ranked[m + k]);
        fAcc.add(ranked[2 * m + k]);
        lAcc.add(ranked[3 * m + k]);
      }
      if (progress != null) {
        progress.accept(from + m);
      }
    }
    return new Report(n, inVocab / (double) n, mAcc.metrics(), rAcc.metrics(), fAcc.metrics(), lAcc.metrics());
  }

  private static final class Accumulator {
    long n;
    long hit1;
    long hit5;
    long hit10;
    double rr;
    double confidence;

    void add(Ranker.Ranked r) {
      n++;
      hit1 += r.goldRank() <= 1 ? 1 : 0;
      hit5 += r.goldRank() <= 5 ? 1 : 0;
      hit10 += r.goldRank() <= 10 ? 1 : 0;
      rr += 1.0 / r.goldRank();
      confidence += r.bestScore();
    }

    Metrics metrics() {
      return new Metrics(hit1 / (double) n, hit5 / (double) n, hit10 / (double) n, rr / n, confidence / n);
    }
  }

  /**
   * Exact ranks over the vocabulary: one float32 GEMM of unit vectors finds, for each query, the
   * rows that certainly score above the gold row and those too close to call; the close ones
   * (and the best row) are recomputed in double as {@code dot / (|q|·|v|)}, the decoder's cosine.
   */
  static final class Ranker {
    /** Rank of the gold row (1-based), the best row (ties by index) and its similarity. */
    record Ranked(long goldRank, int best, double bestScore) {}

    private final float[] values;
    private final int size;
    private final int dim;
    private final double[] norms;
    private final INDArray unit;

    Ranker(float[] values, int size, int dim) {
      this.values = values;
      this.size = size;
      this.dim = dim;
      this.norms = new double[size];
      float[] u = new float[size * dim];
      for (int r = 0; r < size; r++) {
        norms[r] = norm(values, r * dim);
        if (norms[r] > 0) {
          for (int d = 0; d < dim; d++) {
            u[r * dim + d] = (float) (values[r * dim + d] / norms[r]);
          }
        }
      }
      this.unit = Nd4j.create(u, new long[] {size, dim}, 'c');
    }

    /** For each query its gold row's rank, ties by index; {@code gold[i]} is a row index. */
    Ranked[] rank(float[][] queries, int[] gold) {
      int n = queries.length;
      double[] qNorms = new double[n];
      float[] qs = new float[n * dim];
      for (int i = 0; i < n; i++) {
        qNorms[i] = norm(queries[i], 0);
        if (qNorms[i] > 0) {
          for (int d = 0; d < dim; d++) {
            qs[i * dim + d] = (float) (queries[i][d] / qNorms[i]);
          }
        }
      }
      INDArray q = Nd4j.create(qs, new long[] {n, dim}, 'c');
      INDArray scores = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, size}, 'c');
      Nd4j.gemm(q, unit, scores, false, true, 1.0, 0.0);
      float[] s = scores.data().asFloat();
      Ranked[] out = new Ranked[n];
      for (int i = 0; i < n; i++) {
        out[i] = qNorms[i] == 0 ? new Ranked(gold[i] + 1L, 0, 0.0) : one(queries[i], qNorms[i], s, i * size, gold[i]);
      }
      return out;
    }

    private Ranked one(float[] query, double qNorm, float[] s, int off, int gold) {
      double g = cosine(query, qNorm, gold);
      float gf = (float) g;
      float hi = gf + MARGIN;
      float lo = gf - MARGIN;
      long above = 0;
      // one pass: rows certainly above the gold row, rows too close to call, near-best candidates
      int[] band = new int[16];
      int nb = 0;
      int[] cand = new int[16];
      int nc = 0;
      float max = Float.NEGATIVE_INFINITY;
      for (int r = 0; r < size; r++) {
        float x = s[off + r];
        if (x > hi) {
          above++;
        } else if (x >= lo && r != gold) {
          if (nb == band.length) {
            band = java.util.Arrays.copyOf(band, nb * 2);
          }
          band[nb++] = r;
        }
        if (x >= max - MARGIN) {
          if (x > max) {
            max = x;
          }
          if (nc == cand.length) {
            cand = java.util.Arrays.copyOf(cand, nc * 2);
          }
          cand[nc++] = r;
        }
      }
      long tiedBefore = 0;
      for (int k = 0; k < nb; k++) {
        int r = band[k];
        double c = cosine(query, qNorm, r);
        if (c > g || (c == g && r < gold)) {
          tiedBefore++;
        }
      }
      float bestFloor = max - MARGIN;
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < nc; k++) {
        int r = cand[k];
        if (s[off + r] >= bestFloor) {
          double c = cosine(query, qNorm, r);
          if (c > bestScore) {
            bestScore = c;
            best = r;
          }
        }
      }
      return new Ranked(1 + above + tiedBefore, best, bestScore);
    }

    private double cosine(float[] query, double qNorm, int row) {
      double vNorm = norms[row];
      if (vNorm == 0) {
        return 0.0;
      }
      int base = row * dim;
      double dot = 0;
      for (int d = 0; d < dim; d++) {
        dot += (double) query[d] * values[base + d];
      }
      return dot / (qNorm * vNorm);
    }

    private double norm(float[] v, int offset) {
      double s = 0;
      for (int d = 0; d < dim; d++) {
        double x = v[offset + d];
        s += x * x;
      }
      return Math.sqrt(s);
    }
  }
}
