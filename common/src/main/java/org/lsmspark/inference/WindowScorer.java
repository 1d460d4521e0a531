package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.lsmspark.reservoir.TurnState;
import org.lsmspark.tokenizer.DecodeMode;
import org.lsmspark.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores valid windows with the model: computes the reservoir state of each distinct turn of a
 * chunk once ({@link TurnStates}; texts outside the vocabulary embedded through the embedding
 * cache), renders and runs each window through the CNN in parallel, then decodes those the decode
 * cache lacks in one call.
 * When a chunk fails as a whole, its windows are scored one at a time, so that only the bad one
 * comes back as an error. Counts the windows and calls that reach the model.
 */
final class WindowScorer {
  private static final Logger LOG = LoggerFactory.getLogger(WindowScorer.class);
  /** Most windows per CNN call: a few of the CNN's tiles, small enough to share among threads. */
  static final int CNN_GROUP = 64;

  private final EngineCaches caches;
  private final ParallelEmbedder embedder;
  private final LongAdder modelWindows = new LongAdder();
  private final LongAdder modelBatches = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder turnStates = new LongAdder();
  /** Called with every chunk before it is scored; tests make it throw to exercise the fallback. */
  private volatile Consumer<List<List<String>>> chunkProbe = chunk -> {};

  private final DecodeMode decode;
  private final RecallCheck recall;
  /**
   * Each thread's last scored window's turn states, carried over to its next chunk (see {@link
   * TurnStates}); per thread, since Spark's tasks score their partitions side by side on one engine.
   * Tagged with the {@link #forgetTurns} count, which drops them.
   */
  private final ThreadLocal<Carried> carried = new ThreadLocal<>();
  private final AtomicLong forgets = new AtomicLong();

  private record Carried(long forgets, Map<String, TurnState> states) {}

  WindowScorer(EngineCaches caches, ParallelEmbedder embedder, DecodeMode decode, double checkRate) {
    this.caches = caches;
    this.embedder = embedder;
    this.decode = decode;
    this.recall = new RecallCheck(decode, checkRate);
  }

  /**
   * One result per window, in order, scoring chunks of at most {@code batch} windows and running
   * {@code afterChunk} after each (the heap check).
   */
  WindowResult[] scoreInChunks(LazyModel.Loaded l, List<List<String>> windows, int k, int batch,
      Runnable afterChunk) {
    WindowResult[] out = new WindowResult[windows.size()];
    for (int from = 0; from < windows.size(); from += batch) {
      int to = Math.min(windows.size(), from + batch);
      WindowResult[] part = scoreWithFallback(l, windows.subList(from, to), k);
      System.arraycopy(part, 0, out, from, part.length);
      afterChunk.run();
    }
    return out;
  }

  private WindowResult[] scoreWithFallback(LazyModel.Loaded l, List<List<String>> chunk, int k) {
    WindowResult[] out = new WindowResult[chunk.size()];
    try {
      Prediction[] scored = score(l, chunk, k);
      for (int j = 0; j < out.length; j++) {
        out[j] = WindowResult.ok(scored[j]);
      }
      return out;
    } catch (RuntimeException e) {
      fallbacks.increment();
      int bad = 0;
      for (int j = 0; j < out.length; j++) {
        try {
          out[j] = WindowResult.ok(score(l, chunk.subList(j, j + 1), k)[0]);
        } catch (RuntimeException single) {
          out[j] = WindowResult.error(describe(single));
          bad++;
          LOG.debug("window {} of a chunk cannot be scored: {}", j, out[j].error());
        }
      }
      LOG.warn("a batch of {} windows failed ({}); scored one at a time instead, {} failed",
          chunk.size(), describe(e), bad);
      return out;
    }
  }

  /** The model on one window, uncached, as the legacy mode scores. */
  Prediction scoreUncached(LsmModel m, List<String> window, int k) {
    Prediction p = m.predict(List.of(window), k).get(0);
    modelWindows.increment();
    modelBatches.increment();
    return p;
  }

  /** The {@code k} vocabulary turns nearest to {@code text}'s own embedding (similarity cache). */
  List<Tokenizer.Candidate> nearestTurns(LazyModel.Loaded l, String text, int k) {
    float[] e = encode(l, text);
    Tokenizer tok = l.model().tokenizer();
    return caches.similarities().get(new EmbeddingKey(e, k),
        key -> tok.decodeBatch(new float[][] {e}, k, decode).get(0).topK());
  }

  private Prediction[] score(LazyModel.Loaded l, List<List<String>> chunk, int k) {
    chunkProbe.accept(chunk);
    LsmModel m = l.model();
    Carried last = carried.get();
    long epoch = forgets.get();
    TurnStates states = TurnStates.of(chunk, embedder, text -> m.turn(encode(l, text)),
        last != null && last.forgets() == epoch ? last.states() : Map.of());
    turnStates.add(states.computed());
    if (!chunk.isEmpty()) {
      carried.set(new Carried(epoch, states.carry(chunk.get(chunk.size() - 1))));
    }
    float[][] emb = embedWindows(m, states, chunk);
    Tokenizer.Decoding[] dec = decodeAll(l, emb, k);
    Prediction[] out = new Prediction[chunk.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Prediction(emb[i], dec[i]);
    }
    modelWindows.add(chunk.size());
    modelBatches.increment();
    return out;
  }

  /**
   * The chunk's predicted embeddings, the CNN run over groups of windows on the engine's threads.
   * A window's embedding does not depend on its group, so the grouping only spreads the work.
   */
  private float[][] embedWindows(LsmModel m, TurnStates states, List<List<String>> chunk) {
    int n = chunk.size();
    int group = Math.max(1, Math.min(CNN_GROUP, (n + embedder.threads() - 1) / embedder.threads()));
    List<List<List<String>>> groups = new ArrayList<>();
    for (int from = 0; from < n; from += group) {
      groups.add(chunk.subList(from, Math.min(n, from + group)));
    }
    float[][][] parts = new float[groups.size()][][];
    embedder.forEachIndex(parts.length, i -> {
      List<TurnState[]> windows = new ArrayList<>(groups.get(i).size());
      for (List<String> w : groups.get(i)) {
        windows.add(states.window(w));
      }
      parts[i] = m.predictEmbeddings(windows);
    });
    float[][] emb = new float[n][];
    int at = 0;
    for (float[][] part : parts) {
      System.arraycopy(part, 0, emb, at, part.length);
      at += part.length;
    }
    return emb;
  }

  /** A text's embedding: a vocabulary turn's row directly, any other text through the embedding cache. */
  private float[] encode(LazyModel.Loaded l, String text) {
    Tokenizer tok = l.model().tokenizer();
    if (tok.indexOf(text) >= 0) {
      return tok.encode(text);
    }
    return caches.embeddings().get(text, tok::encode);
  }

  /** Decodings of the embeddings, one decode call for those no thread has decoded. */
  private Tokenizer.Decoding[] decodeAll(LazyModel.Loaded l, float[][] emb, int k) {
    Tokenizer tok = l.model().tokenizer();
    EngineCache<EmbeddingKey, Tokenizer.Decoding> cache = caches.decodings();
    recall.check(tok, emb); // before the cache, so the sample does not depend on what is cached
    if (!cache.enabled()) {
      return embedder.onForkJoinPool(pool -> tok.decodeBatch(emb, k, decode, pool)).toArray(new Tokenizer.Decoding[0]);
    }
    List<EmbeddingKey> keys = new ArrayList<>(emb.length);
    Map<EmbeddingKey, float[]> byKey = new HashMap<>();
    for (float[] e : emb) {
      EmbeddingKey key = new EmbeddingKey(e, k);
      keys.add(key);
      byKey.putIfAbsent(key, e);
    }
    Map<EmbeddingKey, Tokenizer.Decoding> got = cache.getAll(keys, missing -> {
      List<EmbeddingKey> order = new ArrayList<>(missing);
      float[][] queries = new float[order.size()][];
      for (int j = 0; j < queries.length; j++) {
        queries[j] = byKey.get(order.get(j));
      }
      List<Tokenizer.Decoding> decoded = embedder.onForkJoinPool(pool -> tok.decodeBatch(queries, k, decode, pool));
      Map<EmbeddingKey, Tokenizer.Decoding> out = new HashMap<>();
      for (int j = 0; j < queries.length; j++) {
        out.put(order.get(j), decoded.get(j));
      }
      return out;
    });
    Tokenizer.Decoding[] dec = new Tokenizer.Decoding[emb.length];
    for (int i = 0; i < dec.length; i++) {
      dec[i] = Objects.requireNonNull(got.get(keys.get(i)), "no decoding for window " + i);
    }
    return dec;
  }

  long modelWindows() {
    return modelWindows.sum();
  }

  long modelBatches() {
    return modelBatches.sum();
  }

  /** Drops the carried-over turn states of every thread (the caches are cleared). */
  void forgetTurns() {
    forgets.incrementAndGet();
    carried.remove();
  }

  /** Turn states computed (reservoir runs) on the optimized path: distinct turns per chunk, less those carried over. */
  long turnStates() {
    return turnStates.sum();
  }

  DecodeStats decodeStats() {
    return recall.stats();
  }

  long fallbacks() {
    return fallbacks.sum();
  }

  void chunkProbe(Consumer<List<List<String>>> probe) {
    this.chunkProbe = Objects.requireNonNull(probe);
  }

  static String describe(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
