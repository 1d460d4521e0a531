package org.lsmspark.training;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lsmspark.tokenizer.SparseVector;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * The encodings of the candidate texts, computed once per distinct text: the tokenizer embedding
 * scaled to unit length (a zero embedding stays zero, so it scores 0) and the normalised sparse
 * TF-IDF vector.
 */
final class CandidateTexts {
  private final Tokenizer tokenizer;
  private final int dim;
  private final Map<String, Integer> index;
  /** texts × dim unit embeddings, in double as the cosine is computed. */
  private final double[] units;
  private final SparseVector[] tfidf;

  CandidateTexts(Tokenizer tokenizer, List<String> texts) {
    this.tokenizer = tokenizer;
    this.dim = tokenizer.embeddingDim();
    this.index = new HashMap<>(texts.size() * 2);
    this.units = new double[texts.size() * dim];
    this.tfidf = new SparseVector[texts.size()];
    for (int t = 0; t < texts.size(); t++) {
      index.put(texts.get(t), t);
      unitInto(tokenizer.encode(texts.get(t)), units, t * dim);
      tfidf[t] = tokenizer.tfidf(texts.get(t));
    }
  }

  /** {@code v} scaled to unit length, in double; zero stays zero. */
  static double[] unit(float[] v) {
    double[] out = new double[v.length];
    unitInto(v, out, 0);
    return out;
  }

  private static void unitInto(float[] v, double[] dest, int offset) {
    double sumSq = 0;
    for (float x : v) {
      sumSq += (double) x * x;
    }
    double norm = Math.sqrt(sumSq);
    if (norm > 0) {
      for (int d = 0; d < v.length; d++) {
        dest[offset + d] = v[d] / norm;
      }
    }
  }

  /** The unit embedding of any text: the cached one for a candidate text. */
  double[] unitOf(String text) {
    Integer t = index.get(text);
    if (t == null) {
      return unit(tokenizer.encode(text));
    }
    double[] out = new double[dim];
    System.arraycopy(units, t * dim, out, 0, dim);
    return out;
  }

  /** Cosine similarity of candidate text {@code t} with a unit (or zero) vector. */
  double cosine(int t, double[] unitQuery) {
    double s = 0;
    int base = t * dim;
    for (int d = 0; d < dim; d++) {
      s += units[base + d] * unitQuery[d];
    }
    return s;
  }

  SparseVector tfidf(int t) {
    return tfidf[t];
  }
}
