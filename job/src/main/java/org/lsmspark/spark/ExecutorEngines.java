package org.lsmspark.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.inference.EngineStats;
import org.lsmspark.inference.InferenceEngine;
import org.lsmspark.model.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference engine per model and settings per executor JVM, shared by every task and thread
 * there, with its caches. The engine loads lazily, by the first task that has windows to score
 * (the shipped model deserialized there once, if it was broadcast), and that task's accumulator
 * counts the load.
 *
 * <p>Engines outlive runs, and their counters with them. Rather than reset a shared engine (its
 * caches serve the next run, and concurrent runs may share it), each run's figures are the
 * engine's counters minus a baseline read when that run's first task here got the engine,
 * before it scored anything.
 */
final class ExecutorEngines {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngines.class);
  private static final ConcurrentHashMap<String, InferenceEngine> ENGINES = new ConcurrentHashMap<>();
  /** The model-load counter of the task running on this thread, for the load it may trigger. */
  private static final ThreadLocal<CountsByKey> LOADS = new ThreadLocal<>();
  /** Engine statistics when a run first used an engine here, by run and engine; the recent runs only. */
  private static final Map<String, EngineStats> BASELINES = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, EngineStats> eldest) {
      return size() > 64;
    }
  };
  /** Orders the snapshots of this JVM; taken together with the statistics it orders. */
  private static long sequence;

  private ExecutorEngines() {}

  /** An executor's engine as one run sees it: the engine and its statistics when the run began using it. */
  record RunEngine(InferenceEngine engine, EngineStats baseline) {
    /** The engine's figures for the run so far, numbered so that the newest is known. */
    EngineStatsAccumulator.Snapshot snapshot() {
      synchronized (BASELINES) {
        return EngineStatsAccumulator.Snapshot.of(executorId(), ++sequence, engine.stats(), baseline);
      }
    }
  }

  /**
   * The loaded engine for this model and settings, loading it in this task if it is the first;
   * the first call of run {@code runId} here records the engine's baseline for that run.
   */
  static RunEngine get(String runId, ShippedModel model, ScoreSettings s, CountsByKey loads) {
    String fingerprint = model.fingerprint();
    int threads = engineThreads(SparkEnv.get() == null ? null : SparkEnv.get().conf());
    String key = fingerprint + "/" + s.cacheSize() + "/" + s.cacheMemoryBytes() + "/" + s.batchSize() + "/"
        + s.legacyMode() + "/" + s.decode() + "/" + s.decodeCheckRate() + "/" + threads;
    LOADS.set(loads);
    try {
      InferenceEngine engine = ENGINES.computeIfAbsent(key, k -> new InferenceEngine(EngineOptions.builder()
          .bundleSource(() -> load(model))
          .lazyLoad(true)
          .cacheSize(s.cacheSize())
          .cacheMemoryBytes(s.cacheMemoryBytes())
          .maxBatchSize(s.batchSize())
          .legacyMode(s.legacyMode())
          .topK(s.topK())
          .decode(s.decode())
          .decodeCheckRate(s.decodeCheckRate())
          .threads(threads)
          .build()));
      EngineStats baseline;
      synchronized (BASELINES) {
        baseline = BASELINES.computeIfAbsent(runId + "/" + key, k -> engine.stats());
      }
      engine.model();
      return new RunEngine(engine, baseline);
    } finally {
      LOADS.remove();
    }
  }

  /**
   * Engine threads: {@code spark.task.cpus} (default 1). Spark already runs
   * {@code executor cores / task cpus} tasks at once on an executor, so each task's model calls
   * get the cores of its slot, not every processor of the machine on top of the other tasks.
   */
  static int engineThreads(SparkConf conf) {
    int cpus = conf == null ? 1 : conf.getInt("spark.task.cpus", 1);
    return Math.max(1, Math.min(cpus, EngineOptions.MAX_THREADS));
  }

  static String executorId() {
    return SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
  }

  private static ModelBundle load(ShippedModel model) {
    long t0 = System.nanoTime();
    ModelBundle bundle = model.bundle();
    CountsByKey loads = LOADS.get();
    if (loads != null) {
      loads.add(executorId());
    }
    if (model.isBroadcast()) {
      LOG.info("executor {}: model {} ({}) deserialized from {} MiB of broadcast bytes in {} ms", executorId(),
          bundle.modelId(), model.fingerprint().substring(0, 12), model.broadcastBytes() >> 20,
          (System.nanoTime() - t0) / 1_000_000);
    }
    return bundle;
  }
}
