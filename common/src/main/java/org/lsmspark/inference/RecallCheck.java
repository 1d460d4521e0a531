package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.lsmspark.tokenizer.DecodeMode;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Measures the approximate decode against the exact one on a sample of the embeddings it
 * decodes. An embedding is sampled by a hash of its bits, so the sample (and the recall) does not
 * depend on batch size, thread count or cache state; both decodes of a sampled embedding take the
 * top 5, whatever k the caller asked for.
 */
final class RecallCheck {
  static final int K = 5;

  private final DecodeMode mode;
  private final double rate;
  private final LongAdder checked = new LongAdder();
  private final LongAdder top1 = new LongAdder();
  private final LongAdder top5 = new LongAdder();
  private final LongAdder expected = new LongAdder();

  RecallCheck(DecodeMode mode, double rate) {
    this.mode = mode;
    this.rate = rate;
  }

  /** Whether {@code e} is in the sample: its bits hashed to [0, 1) below the rate. */
  boolean sampled(float[] e) {
    if (mode != DecodeMode.APPROXIMATE || rate <= 0) {
      return false;
    }
    long h = 0x9E3779B97F4A7C15L;
    for (float x : e) {
      h = (h ^ Float.floatToIntBits(x)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (h >>> 11) * 0x1.0p-53 < rate;
  }

  /** Decodes the sampled embeddings of {@code emb} both ways and counts the agreement. */
  void check(Tokenizer tok, float[][] emb) {
    List<float[]> sample = new ArrayList<>();
    for (float[] e : emb) {
      if (sampled(e)) {
        sample.add(e);
      }
    }
    if (sample.isEmpty()) {
      return;
    }
    float[][] q = sample.toArray(new float[0][]);
    List<Tokenizer.Decoding> exact = tok.decodeBatch(q, K, DecodeMode.EXACT);
    List<Tokenizer.Decoding> approx = tok.decodeBatch(q, K, DecodeMode.APPROXIMATE);
    for (int i = 0; i < q.length; i++) {
      List<Tokenizer.Candidate> want = exact.get(i).topK();
      List<Tokenizer.Candidate> got = approx.get(i).topK();
      Set<Integer> found = new HashSet<>();
      for (Tokenizer.Candidate c : got) {
        found.add(c.index());
      }
      checked.increment();
      if (want.get(0).index() == got.get(0).index()) {
        top1.increment();
      }
      for (Tokenizer.Candidate c : want) {
        if (found.contains(c.index())) {
          top5.increment();
        }
      }
      expected.add(want.size());
    }
  }

  DecodeStats stats() {
    return new DecodeStats(mode, rate, checked.sum(), top1.sum(), top5.sum(), expected.sum());
  }
}
