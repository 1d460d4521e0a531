package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.lsmspark.tokenizer.DecodeMode;
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
 *
 * <p>A front over {@link LazyModel} (loading), {@link EngineCaches} (the caches),
 * {@link BatchPredictor} and {@link WindowScorer} (scoring, on a {@link ParallelEmbedder}) and
 * {@link HeapTrimmer}; it checks the calls and keeps the window counts.
 */
public final class InferenceEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

  public static final String PREDICTION_CACHE = "prediction";
  public static final String EMBEDDING_CACHE = "embedding";
  public static final String DECODE_CACHE = "decode";
  public static final String SIMILARITY_CACHE = "similarity";

  private final EngineOptions options;
  private final EngineCaches caches;
  private final ParallelEmbedder embedder;
  private final WindowScorer scorer;
  private final HeapTrimmer trimmer;
  private final BatchPredictor batches;
  private final LazyModel model;

  private final LongAdder windows = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile boolean closed;

  /** Builds the engine; unless it loads lazily, reads the model now. */
  public InferenceEngine(EngineOptions options) {
    this(options, HeapTrimmer.HeapProbe.RUNTIME, HeapTrimmer.DEFAULT_MIN_INTERVAL_NANOS);
  }

  InferenceEngine(EngineOptions options, HeapTrimmer.HeapProbe heap, long minTrimIntervalNanos) {
    this.options = Objects.requireNonNull(options, "options");
    this.caches = new EngineCaches(options);
    this.embedder = new ParallelEmbedder(options.legacyMode() ? 1 : options.threads());
    this.scorer = new WindowScorer(caches, embedder, options.legacyMode() ? DecodeMode.EXACT : options.decode(),
        options.decodeCheckRate());
    this.trimmer = new HeapTrimmer(options, caches, heap, minTrimIntervalNanos);
    this.batches = new BatchPredictor(caches.predictions(), scorer, options.maxBatchSize(), trimmer::maybeTrim);
    LOG.info("inference engine: {}", options);
    try {
      this.model = new LazyModel(options);
    } catch (RuntimeException | Error e) {
      embedder.close();
      throw e;
    }
  }

  public EngineOptions options() {
    return options;
  }

  /** Whether the model has been loaded. */
  public boolean isLoaded() {
    return model.isLoaded();
  }

  /** The loaded model, loading it now if needed. */
  public LsmModel model() {
    return model.get().model();
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
    LazyModel.Loaded l = model.get();
    int size = l.model().windowSize();
    WindowResult[] out = new WindowResult[windows.size()];
    List<List<String>> valid = new ArrayList<>(out.length);
    int[] at = new int[out.length];
    for (int i = 0; i < out.length; i++) {
      String problem = problem(windows.get(i), size);
      if (problem != null) {
        out[i] = WindowResult.error(problem);
      } else {
        at[valid.size()] = i;
        valid.add(windows.get(i));
      }
    }
    WindowResult[] scored = options.legacyMode() ? legacy(l, valid, k) : batches.predict(l, valid, k);
    long bad = out.length - valid.size();
    for (int j = 0; j < scored.length; j++) {
      out[at[j]] = scored[j];
      bad += scored[j].isOk() ? 0 : 1;
    }
    this.windows.add(out.length);
    failed.add(bad);
    trimmer.maybeTrim();
    return List.of(out);
  }

  /** The {@code k} vocabulary turns nearest to {@code text}'s own embedding (similarity cache). */
  public List<Tokenizer.Candidate> nearestTurns(String text, int k) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    checkK(k);
    checkOpen();
    return scorer.nearestTurns(model.get(), text, k);
  }

  private Prediction predictOne(List<String> window, int k) {
    checkK(k);
    checkOpen();
    String problem = problem(window, model.get().model().windowSize());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    WindowResult r = predictBatch(Collections.singletonList(window), k).get(0);
    if (!r.isOk()) {
      throw new IllegalStateException(r.error());
    }
    return r.prediction();
  }

  /** The baseline: no caches, each window scored on its own by the uncached model. */
  private WindowResult[] legacy(LazyModel.Loaded l, List<List<String>> valid, int k) {
    WindowResult[] out = new WindowResult[valid.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = WindowResult.ok(scorer.scoreUncached(l.model(), valid.get(i), k));
      } catch (RuntimeException e) {
        out[i] = WindowResult.error(WindowScorer.describe(e));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- statistics and lifecycle

  public EngineStats stats() {
    return new EngineStats(model.isLoaded(), model.loadSeconds(), windows.sum(), failed.sum(), scorer.modelWindows(),
        scorer.modelBatches(), scorer.fallbacks(), trimmer.trims(), caches.stats(), scorer.decodeStats());
  }

  /** Empties every cache and the turn states carried between chunks (statistics keep counting). */
  public void clearCaches() {
    caches.clear();
    scorer.forgetTurns();
  }

  /** Stops the worker threads and empties the caches; later calls fail. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    embedder.close();
    EngineStats s = stats();
    CacheStats p = s.cache(PREDICTION_CACHE);
    LOG.info(String.format(Locale.ROOT,
        "inference engine closed: %d windows, %d failed, %d reached the model in %d calls, prediction cache hit rate %.1f%%, %.2f MiB in caches",
        s.windows(), s.failedWindows(), s.modelWindows(), s.modelBatches(), 100 * p.hitRate(), s.cacheBytes() / 1048576.0));
    clearCaches();
  }

  /** Threads that embed a chunk's windows ({@link EngineOptions#threads()}, 1 in legacy mode). */
  int embedderThreads() {
    return embedder.threads();
  }

  /**
   * Reservoir runs on the optimized path: one per distinct turn of each chunk that reached the
   * model, less the turns carried over from the thread's previous chunk.
   */
  long turnStates() {
    return scorer.turnStates();
  }

  void chunkProbe(Consumer<List<List<String>>> probe) {
    scorer.chunkProbe(probe);
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
}
