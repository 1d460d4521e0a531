package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.reservoir.TurnState;
import org.lsmspark.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimized inference engine: loads the model once (lazily by default, exactly once however
 * many threads ask first), answers from a prediction cache (a SHA-256 of the model and the
 * window's texts), embeds the windows that miss it in parallel, one window per task, and decodes
 * them together in batches of at most {@link EngineOptions#maxBatchSize()}, skipping embeddings
 * already in the decode cache. Texts outside the vocabulary have their embeddings cached.
 *
 * <p>A batch never throws for a bad window and never drops one: a window that cannot be scored
 * comes back as an error result, and when a batch fails as a whole its windows are scored one at a
 * time so that only the bad one fails. Results are bit-identical whatever the batch size, cache
 * state or thread count, and equal to the legacy mode's (eager load, no caches, one window at a
 * time).
 *
 * <p>All caches are bounded in entries and in estimated bytes (together within
 * {@link EngineOptions#cacheMemoryBytes()}); when the heap use crosses
 * {@link EngineOptions#heapTrimFraction()} of the maximum heap, the coldest half of every cache
 * is dropped. Thread-safe: one engine per JVM is meant to serve every thread.
 */
public final class InferenceEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

  public static final String PREDICTION_CACHE = "prediction";
  public static final String EMBEDDING_CACHE = "embedding";
  public static final String DECODE_CACHE = "decode";
  public static final String SIMILARITY_CACHE = "similarity";

  /** Shares of {@link EngineOptions#cacheMemoryBytes()}: prediction, embedding, decode, similarity. */
  private static final double[] BUDGET_SHARES = {0.4, 0.3, 0.15, 0.15};
  /** Caffeine node, hash-map node and reference overhead per entry, estimated. */
  private static final long ENTRY_OVERHEAD = 96;
  private static final double TRIM_FRACTION = 0.5;
  private static final long DEFAULT_MIN_TRIM_INTERVAL_NANOS = 1_000_000_000L;

  /** Where heap use is read; replaceable in tests. */
  interface HeapProbe {
    long used();

    long max();

    HeapProbe RUNTIME = new HeapProbe() {
      @Override
      public long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
      }

      @Override
      public long max() {
        return Runtime.getRuntime().maxMemory();
      }
    };
  }

  private record Loaded(LsmModel model, WindowKey.Hasher hasher) {}

  private final EngineOptions options;
  private final Object loadLock = new Object();
  private volatile Loaded loaded;
  private volatile long loadNanos;

  private final EngineCache<WindowKey, Prediction> predictions;
  private final EngineCache<String, float[]> embeddings;
  private final EngineCache<EmbeddingKey, Tokenizer.Decoding> decodings;
  private final EngineCache<EmbeddingKey, List<Tokenizer.Candidate>> similarities;
  private final List<EngineCache<?, ?>> caches;

  private final ExecutorService pool;
  private final HeapProbe heap;
  private final long minTrimIntervalNanos;
  private final AtomicLong lastTrim = new AtomicLong(Long.MIN_VALUE);

  private final LongAdder windows = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder modelWindows = new LongAdder();
  private final LongAdder modelBatches = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder trims = new LongAdder();
  private volatile boolean closed;
  /** Called with every chunk before it is scored; tests make it throw to exercise the fallback. */
  private volatile Consumer<List<List<String>>> chunkProbe = chunk -> {};

  /** Builds the engine; unless it loads lazily, reads the model now. */
  public InferenceEngine(EngineOptions options) {
    this(options, HeapProbe.RUNTIME, DEFAULT_MIN_TRIM_INTERVAL_NANOS);
  }

  InferenceEngine(EngineOptions options, HeapProbe heap, long minTrimIntervalNanos) {
    this.options = Objects.requireNonNull(options, "options");
    this.heap = heap;
    this.minTrimIntervalNanos = minTrimIntervalNanos;
    boolean on = options.cachesEnabled();
    long entries = on ? options.cacheSize() : 0;
    long budget = on ? options.cacheMemoryBytes() : 0;
    this.predictions = new EngineCache<>(PREDICTION_CACHE, entries, share(budget, 0),
        (k, p) -> ENTRY_OVERHEAD + 56 + predictionBytes(p));
    this.embeddings = new EngineCache<>(EMBEDDING_CACHE, entries, share(budget, 1),
        (t, e) -> ENTRY_OVERHEAD + stringBytes(t) + arrayBytes(4L * e.length));
    this.decodings = new EngineCache<>(DECODE_CACHE, entries, share(budget, 2),
        (k, d) -> ENTRY_OVERHEAD + 32 + arrayBytes(4L * k.dim()) + decodingBytes(d));
    this.similarities = new EngineCache<>(SIMILARITY_CACHE, entries, share(budget, 3),
        (k, c) -> ENTRY_OVERHEAD + 32 + arrayBytes(4L * k.dim()) + candidatesBytes(c.size()));
    this.caches = List.of(predictions, embeddings, decodings, similarities);
    this.pool = !options.legacyMode() && options.threads() > 1
        ? Executors.newFixedThreadPool(options.threads() - 1, daemonThreads()) : null;
    LOG.info("inference engine: {}", options);
    if (options.legacyMode() || !options.lazyLoad()) {
      loaded();
    }
  }

  public EngineOptions options() {
    return options;
  }

  /** Whether the model has been loaded. */
  public boolean isLoaded() {
    return loaded != null;
  }

  /** The loaded model, loading it now if needed. */
  public LsmModel model() {
    return loaded().model();
  }

  /** The model's window size (loads the model). */
  public int windowSize() {
    return model().windowSize();
  }

  // ---------------------------------------------------------------- predictions

  /** The predicted next turn (or {@link Tokenizer#UNKNOWN}) after {@code window}. */
  public String predictNext(List<String> window) {
    return predictWithConfidence(window).predictedText();
  }

  /** The prediction (text, confidence, the default top k, embedding) for one window. */
  public Prediction predictWithConfidence(List<String> window) {
    return predictOne(window, options.topK());
  }

  /** The {@code k} vocabulary turns most similar to the predicted embedding, best first. */
  public List<Tokenizer.Candidate> predictTopK(List<String> window, int k) {
    return predictOne(window, k).topK();
  }

  /** One result per window, in input order, with the default top k. */
  public List<WindowResult> predictBatch(List<List<String>> windows) {
    return predictBatch(windows, options.topK());
  }

  /**
   * One result per window, in input order: a prediction with {@code k} candidates, or an error
   * naming what is wrong with that window. Throws only for a null list, a bad {@code k}, a closed
   * engine or a model that cannot be loaded.
   */
  public List<WindowResult> predictBatch(List<List<String>> windows, int k) {
    if (windows == null) {
      throw new IllegalArgumentException("windows must not be null");
    }
    checkK(k);
    checkOpen();
    Loaded l = loaded();
    WindowResult[] out = options.legacyMode() ? legacy(l, windows, k) : optimized(l, windows, k);
    long bad = 0;
    for (WindowResult r : out) {
      if (!r.isOk()) {
        bad++;
      }
    }
    this.windows.add(out.length);
    failed.add(bad);
    maybeTrim();
    return List.of(out);
  }

  /** The {@code k} vocabulary turns nearest to {@code text}'s own embedding (similarity cache). */
  public List<Tokenizer.Candidate> nearestTurns(String text, int k) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    checkK(k);
    checkOpen();
    Loaded l = loaded();
    float[] e = encode(l, text);
    EmbeddingKey key = similarities.enabled() ? new EmbeddingKey(e, k) : null;
    List<Tokenizer.Candidate> hit = key == null ? null : similarities.get(key);
    if (hit != null) {
      return hit;
    }
    long t0 = System.nanoTime();
    List<Tokenizer.Candidate> top = l.model().tokenizer().decode(e, k).topK();
    if (key != null) {
      similarities.recordLoad(System.nanoTime() - t0);
      similarities.put(key, top);
    }
    return top;
  }

  private Prediction predictOne(List<String> window, int k) {
    checkK(k);
    checkOpen();
    String problem = problem(window, loaded().model().windowSize());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    WindowResult r = predictBatch(Collections.singletonList(window), k).get(0);
    if (!r.isOk()) {
      throw new IllegalStateException(r.error());
    }
    return r.prediction();
  }

  // ---------------------------------------------------------------- the two paths

  /** The baseline: no caches, each window scored on its own by the uncached model. */
  private WindowResult[] legacy(Loaded l, List<List<String>> windows, int k) {
    LsmModel m = l.model();
    WindowResult[] out = new WindowResult[windows.size()];
    for (int i = 0; i < out.length; i++) {
      List<String> w = windows.get(i);
      String problem = problem(w, m.windowSize());
      if (problem != null) {
        out[i] = WindowResult.error(problem);
        continue;
      }
      try {
        out[i] = WindowResult.ok(m.predict(List.of(w), k).get(0));
        modelWindows.increment();
        modelBatches.increment();
      } catch (RuntimeException e) {
        out[i] = WindowResult.error(describe(e));
      }
    }
    return out;
  }

  private WindowResult[] optimized(Loaded l, List<List<String>> windows, int k) {
    int n = windows.size();
    int window = l.model().windowSize();
    WindowResult[] out = new WindowResult[n];
    // windows the prediction cache does not answer; with caching, repeats within the batch are scored once
    List<List<String>> todo = new ArrayList<>();
    List<WindowKey> todoKeys = new ArrayList<>();
    List<int[]> todoPositions = new ArrayList<>();
    Map<WindowKey, Integer> pending = predictions.enabled() ? new HashMap<>() : null;
    for (int i = 0; i < n; i++) {
      List<String> w = windows.get(i);
      String problem = problem(w, window);
      if (problem != null) {
        out[i] = WindowResult.error(problem);
        continue;
      }
      WindowKey key = null;
      if (pending != null) {
        key = l.hasher().key(w, k);
        Prediction hit = predictions.get(key);
        if (hit != null) {
          out[i] = WindowResult.ok(copy(hit));
          continue;
        }
        Integer slot = pending.get(key);
        if (slot != null) {
          int[] p = todoPositions.get(slot);
          int[] grown = java.util.Arrays.copyOf(p, p.length + 1);
          grown[p.length] = i;
          todoPositions.set(slot, grown);
          continue;
        }
        pending.put(key, todo.size());
      }
      todo.add(w);
      todoKeys.add(key);
      todoPositions.add(new int[] {i});
    }
    int batch = options.maxBatchSize();
    for (int from = 0; from < todo.size(); from += batch) {
      int to = Math.min(todo.size(), from + batch);
      List<List<String>> chunk = todo.subList(from, to);
      long t0 = System.nanoTime();
      Prediction[] scored = null;
      String[] errors = new String[chunk.size()];
      try {
        scored = score(l, chunk, k);
      } catch (RuntimeException e) {
        fallbacks.increment();
        scored = new Prediction[chunk.size()];
        int bad = 0;
        for (int j = 0; j < chunk.size(); j++) {
          try {
            scored[j] = score(l, chunk.subList(j, j + 1), k)[0];
          } catch (RuntimeException single) {
            errors[j] = describe(single);
            bad++;
            LOG.debug("window {} of a batch cannot be scored: {}", todoPositions.get(from + j)[0], errors[j]);
          }
        }
        LOG.warn("a batch of {} windows failed ({}); scored one at a time instead, {} failed",
            chunk.size(), describe(e), bad);
      }
      predictions.recordLoad(System.nanoTime() - t0);
      for (int j = 0; j < chunk.size(); j++) {
        Prediction p = scored[j];
        WindowKey key = todoKeys.get(from + j);
        if (p != null && key != null) {
          predictions.put(key, copy(p));
        }
        for (int pos : todoPositions.get(from + j)) {
          out[pos] = p != null ? WindowResult.ok(copy(p)) : WindowResult.error(errors[j]);
        }
      }
      maybeTrim();
    }
    return out;
  }

  /** Scores a chunk: embeddings in parallel, then one decode for those the decode cache lacks. */
  private Prediction[] score(Loaded l, List<List<String>> chunk, int k) {
    chunkProbe.accept(chunk);
    float[][] emb = embedAll(l, chunk);
    Tokenizer.Decoding[] dec = decodeAll(l, emb, k);
    Prediction[] out = new Prediction[chunk.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Prediction(emb[i], dec[i]);
    }
    modelWindows.add(chunk.size());
    modelBatches.increment();
    return out;
  }

  private float[][] embedAll(Loaded l, List<List<String>> chunk) {
    int n = chunk.size();
    float[][] out = new float[n][];
    int workers = pool == null ? 1 : Math.min(options.threads(), n);
    if (workers <= 1) {
      for (int i = 0; i < n; i++) {
        out[i] = embedWindow(l, chunk.get(i));
      }
      return out;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failedFlag = new AtomicBoolean();
    Runnable work = () -> {
      for (int i = next.getAndIncrement(); i < n && !failedFlag.get(); i = next.getAndIncrement()) {
        try {
          out[i] = embedWindow(l, chunk.get(i));
        } catch (RuntimeException | Error e) {
          failedFlag.set(true);
          throw e;
        }
      }
    };
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      futures.add(pool.submit(work));
    }
    RuntimeException first = null;
    try {
      work.run();
    } catch (RuntimeException e) {
      first = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof Error err) {
          throw err;
        }
        if (first == null) {
          first = c instanceof RuntimeException re ? re : new IllegalStateException(c);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while embedding a batch", e);
      }
    }
    if (first != null) {
      throw first;
    }
    return out;
  }

  /** The predicted embedding of one window: the same operations as {@link LsmModel#embedWindow}. */
  private float[] embedWindow(Loaded l, List<String> turns) {
    LsmModel m = l.model();
    TurnState[] window = new TurnState[turns.size()];
    for (int t = 0; t < window.length; t++) {
      window[t] = m.turn(encode(l, turns.get(t)));
    }
    return m.predictEmbedding(window);
  }

  /** A text's embedding: a vocabulary turn's row directly, any other text through the embedding cache. */
  private float[] encode(Loaded l, String text) {
    Tokenizer tok = l.model().tokenizer();
    if (!embeddings.enabled() || tok.indexOf(text) >= 0) {
      return tok.encode(text);
    }
    float[] e = embeddings.get(text);
    if (e == null) {
      long t0 = System.nanoTime();
      e = tok.encode(text);
      embeddings.recordLoad(System.nanoTime() - t0);
      embeddings.put(text, e);
    }
    return e;
  }

  private Tokenizer.Decoding[] decodeAll(Loaded l, float[][] emb, int k) {
    int n = emb.length;
    Tokenizer.Decoding[] dec = new Tokenizer.Decoding[n];
    EmbeddingKey[] keys = new EmbeddingKey[n];
    int[] missing = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (decodings.enabled()) {
        keys[i] = new EmbeddingKey(emb[i], k);
        dec[i] = decodings.get(keys[i]);
      }
      if (dec[i] == null) {
        missing[m++] = i;
      }
    }
    if (m > 0) {
      float[][] queries = new float[m][];
      for (int j = 0; j < m; j++) {
        queries[j] = emb[missing[j]];
      }
      long t0 = System.nanoTime();
      List<Tokenizer.Decoding> decoded = l.model().tokenizer().decodeBatch(queries, k);
      decodings.recordLoad(System.nanoTime() - t0);
      for (int j = 0; j < m; j++) {
        dec[missing[j]] = decoded.get(j);
        if (keys[missing[j]] != null) {
          decodings.put(keys[missing[j]], decoded.get(j));
        }
      }
    }
    return dec;
  }

  // ---------------------------------------------------------------- loading

  private Loaded loaded() {
    Loaded l = loaded;
    if (l != null) {
      return l;
    }
    synchronized (loadLock) {
      if (loaded == null) {
        checkOpen();
        loaded = load();
      }
      return loaded;
    }
  }

  private Loaded load() {
    long t0 = System.nanoTime();
    ModelBundle bundle;
    if (options.modelLocation() != null) {
      bundle = ModelDirectory.read(options.modelLocation());
    } else {
      bundle = options.bundleSource().get();
      if (bundle == null) {
        throw new IllegalStateException("the model bundle source returned no bundle");
      }
    }
    LsmModel model = LsmModel.of(bundle);
    Tokenizer tok = model.tokenizer();
    // the first decode starts ND4J and lays out the vocabulary; count it as loading, not scoring
    float[] probe = new float[tok.embeddingDim()];
    probe[0] = 1f;
    tok.decode(probe, 1);
    loadNanos = System.nanoTime() - t0;
    LOG.info(String.format(Locale.ROOT,
        "model %s loaded from %s in %.2f s: %d vocabulary turns, %d terms, embedding %d, window %d",
        bundle.modelId(), options.modelDescription(), loadNanos / 1e9, tok.vocabularySize(), tok.featureCount(),
        tok.embeddingDim(), model.windowSize()));
    return new Loaded(model, new WindowKey.Hasher(bundle.modelId(), bundle.fingerprint()));
  }

  // ---------------------------------------------------------------- memory

  private void maybeTrim() {
    if (!options.cachesEnabled()) {
      return;
    }
    long max = heap.max();
    long used = heap.used();
    if (max <= 0 || used <= options.heapTrimFraction() * max) {
      return;
    }
    long now = System.nanoTime();
    long last = lastTrim.get();
    if (last != Long.MIN_VALUE && now - last < minTrimIntervalNanos) {
      return;
    }
    if (!lastTrim.compareAndSet(last, now)) {
      return; // another thread trims
    }
    long entriesBefore = 0;
    long bytesBefore = 0;
    long entriesAfter = 0;
    long bytesAfter = 0;
    for (EngineCache<?, ?> c : caches) {
      entriesBefore += c.entries();
      bytesBefore += c.estimatedBytes();
      c.trim(TRIM_FRACTION);
      entriesAfter += c.entries();
      bytesAfter += c.estimatedBytes();
    }
    trims.increment();
    LOG.warn(String.format(Locale.ROOT,
        "heap %d of %d MiB used (%.1f%%, above %.1f%%): trimmed the caches from %d entries, %.2f MiB to %d entries, %.2f MiB",
        used >> 20, max >> 20, 100.0 * used / max, 100 * options.heapTrimFraction(), entriesBefore,
        bytesBefore / 1048576.0, entriesAfter, bytesAfter / 1048576.0));
  }

  // ---------------------------------------------------------------- statistics and lifecycle

  public EngineStats stats() {
    List<CacheStats> cs = new ArrayList<>(caches.size());
    for (EngineCache<?, ?> c : caches) {
      cs.add(c.stats());
    }
    return new EngineStats(loaded != null, loadNanos / 1e9, windows.sum(), failed.sum(), modelWindows.sum(),
        modelBatches.sum(), fallbacks.sum(), trims.sum(), cs);
  }

  /** Empties every cache (statistics keep counting). */
  public void clearCaches() {
    for (EngineCache<?, ?> c : caches) {
      c.clear();
    }
  }

  /** Stops the worker threads and empties the caches; later calls fail. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
    EngineStats s = stats();
    CacheStats p = s.cache(PREDICTION_CACHE);
    LOG.info(String.format(Locale.ROOT,
        "inference engine closed: %d windows, %d failed, %d reached the model in %d calls, prediction cache hit rate %.1f%%, %.2f MiB in caches",
        s.windows(), s.failedWindows(), s.modelWindows(), s.modelBatches(), 100 * p.hitRate(), s.cacheBytes() / 1048576.0));
    clearCaches();
  }

  void chunkProbe(Consumer<List<List<String>>> probe) {
    this.chunkProbe = Objects.requireNonNull(probe);
  }

  // ---------------------------------------------------------------- helpers

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the inference engine is closed");
    }
  }

  private static void checkK(int k) {
    if (k < 1 || k > EngineOptions.MAX_TOP_K) {
      throw new IllegalArgumentException("k must be between 1 and " + EngineOptions.MAX_TOP_K + ", got " + k);
    }
  }

  /** What is wrong with a window, or null. */
  static String problem(List<String> window, int size) {
    if (window == null) {
      return "window is null";
    }
    if (window.size() != size) {
      return "window has " + window.size() + " turns, the model's window is " + size;
    }
    for (int t = 0; t < size; t++) {
      if (window.get(t) == null) {
        return "turn " + t + " of the window is null";
      }
    }
    return null;
  }

  private static String describe(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static Prediction copy(Prediction p) {
    return new Prediction(p.embedding().clone(), p.decoding());
  }

  private static long share(long budget, int cache) {
    return (long) (budget * BUDGET_SHARES[cache]);
  }

  private static long arrayBytes(long payload) {
    return 16 + ((payload + 7) & ~7L);
  }

  private static long stringBytes(String s) {
    return 24 + arrayBytes(2L * s.length());
  }

  private static long candidatesBytes(int count) {
    return 16 + arrayBytes(4L * count) + 24L * count; // list, its array, the candidates (texts are the vocabulary's)
  }

  private static long decodingBytes(Tokenizer.Decoding d) {
    return 24 + candidatesBytes(d.topK().size());
  }

  private static long predictionBytes(Prediction p) {
    return 16 + arrayBytes(4L * p.embedding().length) + decodingBytes(p.decoding());
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "lsm-engine-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
