package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.List;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * The engine's four caches, sized from {@link EngineOptions}: each bounded by
 * {@link EngineOptions#cacheSize()} entries and by its share of
 * {@link EngineOptions#cacheMemoryBytes()} (40/30/15/15 %), so together they stay within the
 * budget. Legacy mode or a zero bound switches them all off.
 */
final class EngineCaches {
  /** Shares of {@link EngineOptions#cacheMemoryBytes()}: prediction, embedding, decode, similarity. */
  private static final double[] BUDGET_SHARES = {0.4, 0.3, 0.15, 0.15};
  /** Caffeine node, hash-map node and reference overhead per entry, estimated. */
  private static final long ENTRY_OVERHEAD = 96;

  private final EngineCache<WindowKey, Prediction> predictions;
  private final EngineCache<String, float[]> embeddings;
  private final EngineCache<EmbeddingKey, Tokenizer.Decoding> decodings;
  private final EngineCache<EmbeddingKey, List<Tokenizer.Candidate>> similarities;
  private final List<EngineCache<?, ?>> all;

  EngineCaches(EngineOptions options) {
    boolean on = options.cachesEnabled();
    long entries = on ? options.cacheSize() : 0;
    long budget = on ? options.cacheMemoryBytes() : 0;
    this.predictions = new EngineCache<>(InferenceEngine.PREDICTION_CACHE, entries, share(budget, 0),
        (k, p) -> ENTRY_OVERHEAD + 56 + predictionBytes(p));
    this.embeddings = new EngineCache<>(InferenceEngine.EMBEDDING_CACHE, entries, share(budget, 1),
        (t, e) -> ENTRY_OVERHEAD + stringBytes(t) + arrayBytes(4L * e.length));
    this.decodings = new EngineCache<>(InferenceEngine.DECODE_CACHE, entries, share(budget, 2),
        (k, d) -> ENTRY_OVERHEAD + 32 + arrayBytes(4L * k.dim()) + decodingBytes(d));
    this.similarities = new EngineCache<>(InferenceEngine.SIMILARITY_CACHE, entries, share(budget, 3),
        (k, c) -> ENTRY_OVERHEAD + 32 + arrayBytes(4L * k.dim()) + candidatesBytes(c.size()));
    this.all = List.of(predictions, embeddings, decodings, similarities);
  }

  /** Window (model, texts, k) → prediction. */
  EngineCache<WindowKey, Prediction> predictions() {
    return predictions;
  }

  /** Text outside the vocabulary → its embedding. */
  EngineCache<String, float[]> embeddings() {
    return embeddings;
  }

  /** Predicted embedding and k → decoding. */
  EngineCache<EmbeddingKey, Tokenizer.Decoding> decodings() {
    return decodings;
  }

  /** A text's embedding and k → nearest vocabulary turns. */
  EngineCache<EmbeddingKey, List<Tokenizer.Candidate>> similarities() {
    return similarities;
  }

  /** Each cache's statistics, in the order prediction, embedding, decode, similarity. */
  List<CacheStats> stats() {
    List<CacheStats> out = new ArrayList<>(all.size());
    for (EngineCache<?, ?> c : all) {
      out.add(c.stats());
    }
    return out;
  }

  long entries() {
    long total = 0;
    for (EngineCache<?, ?> c : all) {
      total += c.entries();
    }
    return total;
  }

  long weightedBytes() {
    long total = 0;
    for (EngineCache<?, ?> c : all) {
      total += c.weightedBytes();
    }
    return total;
  }

  /** Drops the coldest {@code fraction} of every cache. */
  void trim(double fraction) {
    for (EngineCache<?, ?> c : all) {
      c.trim(fraction);
    }
  }

  void clear() {
    for (EngineCache<?, ?> c : all) {
      c.clear();
    }
  }

  private static long share(long budget, int cache) {
    return (long) (budget * BUDGET_SHARES[cache]);
  }

  static long arrayBytes(long payload) {
    return 16 + ((payload + 7) & ~7L);
  }

  static long stringBytes(String s) {
    return 24 + arrayBytes(2L * s.length());
  }

  static long candidatesBytes(int count) {
    return 16 + arrayBytes(4L * count) + 24L * count; // list, its array, the candidates (texts are the vocabulary's)
  }

  static long decodingBytes(Tokenizer.Decoding d) {
    return 24 + candidatesBytes(d.topK().size());
  }

  static long predictionBytes(Prediction p) {
    return 16 + arrayBytes(4L * p.embedding().length) + decodingBytes(p.decoding());
  }
}
