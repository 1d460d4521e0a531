package org.lsmspark.training;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Okapi BM25 over a fixed collection of documents (k1 1.2, b 0.75; words
 * {@code (?u)\b\w\w+\b} lowercased, no stop words; idf = ln(1 + (N − df + 0.5)/(df + 0.5))).
 * Written here rather than taken from a library because it must agree with
 * {@code quality_eval.py}'s {@code bm25_scores} exactly: the same formula, evaluated in the same
 * order, summed over the query's distinct words in order of first occurrence.
 * Not thread-safe (one scratch array serves every query).
 */
final class Bm25 {
  static final double K1 = 1.2;
  static final double B = 0.75;

  private final Map<String, Integer> wordIds = new HashMap<>();
  /** Per document: its distinct word ids ascending, and their counts. */
  private final int[][] docWords;
  private final int[][] docCounts;
  private final int[] docLength;
  private final double[] idf;
  private final double avgdl;
  /** Per word id, its position among the current query's distinct words, else -1. */
  private final int[] queryPosition;

  Bm25(List<String> documents) {
    int n = documents.size();
    if (n == 0) {
      throw new IllegalArgumentException("BM25 needs at least one document");
    }
    docWords = new int[n][];
    docCounts = new int[n][];
    docLength = new int[n];
    long total = 0;
    for (int d = 0; d < n; d++) {
      List<String> words = Tokenizer.words(documents.get(d));
      int[] ids = new int[words.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = wordIds.computeIfAbsent(words.get(i), w -> wordIds.size());
      }
      Arrays.sort(ids);
      int distinct = 0;
      int[] counts = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        if (distinct > 0 && ids[distinct - 1] == ids[i]) {
          counts[distinct - 1]++;
        } else {
          ids[distinct] = ids[i];
          counts[distinct++] = 1;
        }
      }
      docWords[d] = Arrays.copyOf(ids, distinct);
      docCounts[d] = Arrays.copyOf(counts, distinct);
      docLength[d] = ids.length;
      total += ids.length;
    }
    int[] df = new int[wordIds.size()];
    for (int[] words : docWords) {
      for (int w : words) {
        df[w]++;
      }
    }
    idf = new double[df.length];
    for (int w = 0; w < df.length; w++) {
      idf[w] = Math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5));
    }
    avgdl = total / (double) n;
    queryPosition = new int[df.length];
    Arrays.fill(queryPosition, -1);
  }

  int documents() {
    return docWords.length;
  }

  /** The BM25 score of each of {@code docs} (indices into the collection) for {@code query}. */
  double[] scores(String query, int[] docs) {
    int[] queryWords = Tokenizer.words(query).stream().filter(wordIds::containsKey).mapToInt(wordIds::get)
        .distinct().toArray();
    for (int i = 0; i < queryWords.length; i++) {
      queryPosition[queryWords[i]] = i;
    }
    try {
      double[] out = new double[docs.length];
      int[] position = new int[16];
      double[] term = new double[16];
      for (int k = 0; k < docs.length; k++) {
        int d = docs[k];
        int[] words = docWords[d];
        if (words.length > position.length) {
          position = new int[words.length];
          term = new double[words.length];
        }
        int m = 0;
        for (int i = 0; i < words.length; i++) {
          int p = queryPosition[words[i]];
          if (p >= 0) {
            int f = docCounts[d][i];
            int dl = docLength[d];
            double s = idf[words[i]] * f * (K1 + 1) / (f + K1 * (1 - B + B * dl / avgdl));
            // insertion by query position, so the sum runs in the query's order
            int j = m++;
            while (j > 0 && position[j - 1] > p) {
              position[j] = position[j - 1];
              term[j] = term[j - 1];
              j--;
            }
            position[j] = p;
            term[j] = s;
          }
        }
        double sum = 0.0;
        for (int j = 0; j < m; j++) {
          sum += term[j];
        }
        out[k] = sum;
      }
      return out;
    } finally {
      for (int w : queryWords) {
        queryPosition[w] = -1;
      }
    }
  }
}
