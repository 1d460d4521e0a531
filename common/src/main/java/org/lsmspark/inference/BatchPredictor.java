package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optimized path for valid windows: answers what the prediction cache holds, scores each
 * missing window once (repeats within the batch, and windows another thread is scoring, wait for
 * that one score) in chunks of at most {@link EngineOptions#maxBatchSize()}, and caches the
 * successes. Every result holds its own copy of the embedding, so callers cannot alter the cache.
 */
final class BatchPredictor {
  private final EngineCache<WindowKey, Prediction> predictions;
  private final WindowScorer scorer;
  private final int maxBatch;
  private final Runnable afterChunk;

  BatchPredictor(EngineCache<WindowKey, Prediction> predictions, WindowScorer scorer, int maxBatch,
      Runnable afterChunk) {
    this.predictions = predictions;
    this.scorer = scorer;
    this.maxBatch = maxBatch;
    this.afterChunk = afterChunk;
  }

  /** One result per window, in order; the windows have the model's size and no null turn. */
  WindowResult[] predict(LazyModel.Loaded l, List<List<String>> windows, int k) {
    if (!predictions.enabled()) {
      return scorer.scoreInChunks(l, windows, k, maxBatch, afterChunk);
    }
    int n = windows.size();
    List<WindowKey> keys = new ArrayList<>(n);
    Map<WindowKey, List<String>> firstWindow = new LinkedHashMap<>();
    for (List<String> w : windows) {
      WindowKey key = l.hasher().key(w, k);
      keys.add(key);
      firstWindow.putIfAbsent(key, w);
    }
    Map<WindowKey, String> errors = new HashMap<>();
    Map<WindowKey, Prediction> cached = predictions.getAll(keys,
        missing -> scoreMissing(l, firstWindow, missing, k, errors));
    WindowResult[] out = new WindowResult[n];
    List<Integer> orphans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      WindowKey key = keys.get(i);
      Prediction p = cached.get(key);
      if (p != null) {
        out[i] = WindowResult.ok(copy(p));
      } else if (errors.containsKey(key)) {
        out[i] = WindowResult.error(errors.get(key));
      } else {
        orphans.add(i); // another thread failed to score it: this call finds out why on its own
      }
    }
    if (!orphans.isEmpty()) {
      List<List<String>> again = new ArrayList<>(orphans.size());
      for (int i : orphans) {
        again.add(windows.get(i));
      }
      WindowResult[] scored = scorer.scoreInChunks(l, again, k, maxBatch, afterChunk);
      for (int j = 0; j < scored.length; j++) {
        out[orphans.get(j)] = scored[j];
      }
    }
    return out;
  }

  /** Scores the windows whose keys this call claimed; failures go to {@code errors}, not the cache. */
  private Map<WindowKey, Prediction> scoreMissing(LazyModel.Loaded l, Map<WindowKey, List<String>> firstWindow,
      Set<? extends WindowKey> missing, int k, Map<WindowKey, String> errors) {
    List<WindowKey> todoKeys = new ArrayList<>(missing.size());
    List<List<String>> todo = new ArrayList<>(missing.size());
    for (Map.Entry<WindowKey, List<String>> e : firstWindow.entrySet()) {
      if (missing.contains(e.getKey())) { // in batch order, so chunks do not depend on hashing
        todoKeys.add(e.getKey());
        todo.add(e.getValue());
      }
    }
    WindowResult[] scored = scorer.scoreInChunks(l, todo, k, maxBatch, afterChunk);
    Map<WindowKey, Prediction> out = new HashMap<>();
    for (int j = 0; j < scored.length; j++) {
      if (scored[j].isOk()) {
        out.put(todoKeys.get(j), scored[j].prediction());
      } else {
        errors.put(todoKeys.get(j), scored[j].error());
      }
    }
    return out;
  }

  private static Prediction copy(Prediction p) {
    return new Prediction(p.embedding().clone(), p.decoding());
  }
}
