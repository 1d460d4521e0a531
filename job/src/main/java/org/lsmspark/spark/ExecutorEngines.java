package org.lsmspark.spark;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.inference.InferenceEngine;
import org.lsmspark.model.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference engine per model and settings per executor JVM, shared by every task and thread
 * there, with its caches. The engine loads lazily: the broadcast bytes are deserialized once,
 * by the first task that has windows to score, and that task's accumulator counts the load.
 */
final class ExecutorEngines {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngines.class);
  private static final ConcurrentHashMap<String, InferenceEngine> ENGINES = new ConcurrentHashMap<>();
  /** The model-load counter of the task running on this thread, for the load it may trigger. */
  private static final ThreadLocal<CountsByKey> LOADS = new ThreadLocal<>();

  private ExecutorEngines() {}

  /** The loaded engine for this model and settings, loading it in this task if it is the first. */
  static InferenceEngine get(String fingerprint, Broadcast<byte[]> bytes, ScoreSettings s, CountsByKey loads) {
    String key = fingerprint + "/" + s.cacheSize() + "/" + s.cacheMemoryBytes() + "/" + s.batchSize() + "/" + s.legacyMode();
    LOADS.set(loads);
    try {
      InferenceEngine engine = ENGINES.computeIfAbsent(key, k -> new InferenceEngine(EngineOptions.builder()
          .bundleSource(() -> load(fingerprint, bytes))
          .lazyLoad(true)
          .cacheSize(s.cacheSize())
          .cacheMemoryBytes(s.cacheMemoryBytes())
          .maxBatchSize(s.batchSize())
          .legacyMode(s.legacyMode())
          .topK(s.topK())
          .build()));
      engine.model();
      return engine;
    } finally {
      LOADS.remove();
    }
  }

  /** Snapshots of every engine in this JVM, for the run's statistics. */
  static Iterable<InferenceEngine> all() {
    return ENGINES.values();
  }

  static String executorId() {
    return SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
  }

  private static ModelBundle load(String fingerprint, Broadcast<byte[]> bytes) {
    long t0 = System.nanoTime();
    byte[] b = bytes.value();
    ModelBundle bundle = ModelBundle.fromBytes(b);
    if (!bundle.fingerprint().equals(fingerprint)) {
      throw new IllegalStateException("broadcast model has fingerprint " + bundle.fingerprint() + ", expected " + fingerprint);
    }
    CountsByKey loads = LOADS.get();
    if (loads != null) {
      loads.add(executorId());
    }
    LOG.info("executor {}: model {} ({}) deserialized from {} MiB of broadcast bytes in {} ms", executorId(),
        bundle.modelId(), fingerprint.substring(0, 12), b.length >> 20, (System.nanoTime() - t0) / 1_000_000);
    return bundle;
  }
}
