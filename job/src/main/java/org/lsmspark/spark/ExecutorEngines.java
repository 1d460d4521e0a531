package org.lsmspark.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>Each engine holds a model and caches of up to {@code cacheMemoryBytes}: a long-lived JVM
 * (a notebook's local master, an executor serving many runs) keeps those tasks use and the
 * {@link #KEPT_IDLE} most recently used of the others, and closes the rest once no task uses them
 * ({@link RunEngine#release}, on task completion).
 */
final class ExecutorEngines {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngines.class);
  /** Idle engines kept per JVM, the most recently used. */
  static final int KEPT_IDLE = 2;
  /** Spark property naming a node-local folder for the decode's index, read on each executor. */
  static final String INDEX_CACHE = "spark.lsm.indexCache";
  /** Engines by model and settings, in access order; guarded by itself. */
  private static final LinkedHashMap<String, Held> ENGINES = new LinkedHashMap<>(16, 0.75f, true);
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

  /** An engine and how many tasks hold it. */
  private static final class Held {
    final InferenceEngine engine;
    int users;

    Held(InferenceEngine engine) {
      this.engine = engine;
    }
  }

  /** An executor's engine as one task of a run holds it: the engine and its statistics when the run began using it. */
  static final class RunEngine {
    private final Held held;
    private final EngineStats baseline;
    private final AtomicBoolean released = new AtomicBoolean();

    private RunEngine(Held held, EngineStats baseline) {
      this.held = held;
      this.baseline = baseline;
    }

    InferenceEngine engine() {
      return held.engine;
    }

    EngineStats baseline() {
      return baseline;
    }

    /** The engine's figures for the run so far, numbered so that the newest is known. */
    EngineStatsAccumulator.Snapshot snapshot() {
      synchronized (BASELINES) {
        return EngineStatsAccumulator.Snapshot.of(executorId(), ++sequence, held.engine.stats(), baseline);
      }
    }

    /** The task is done with the engine (again: no effect); an idle engine beyond {@link #KEPT_IDLE} closes. */
    void release() {
      if (released.compareAndSet(false, true)) {
        List<InferenceEngine> closing;
        synchronized (ENGINES) {
          held.users--;
          closing = evictIdle(null);
        }
        closing.forEach(InferenceEngine::close);
      }
    }
  }

  /**
   * The loaded engine for this model and settings, loading it in this task if it is the first;
   * the first call of run {@code runId} here records the engine's baseline for that run.
   */
  static RunEngine get(String runId, ShippedModel model, ScoreSettings s, CountsByKey loads) {
    String fingerprint = model.fingerprint();
    SparkConf conf = SparkEnv.get() == null ? null : SparkEnv.get().conf();
    int threads = engineThreads(conf);
    String indexCache = indexCache(conf);
    String key = fingerprint + "/" + s.cacheSize() + "/" + s.cacheMemoryBytes() + "/" + s.batchSize() + "/"
        + s.legacyMode() + "/" + s.decode() + "/" + s.decodeCheckRate() + "/" + threads;
    LOADS.set(loads);
    try {
      Held held;
      List<InferenceEngine> closing;
      synchronized (ENGINES) {
        held = ENGINES.computeIfAbsent(key, k -> new Held(newEngine(model, s, threads, indexCache)));
        held.users++;
        closing = evictIdle(key);
      }
      closing.forEach(InferenceEngine::close);
      InferenceEngine engine = held.engine;
      EngineStats baseline;
      synchronized (BASELINES) {
        baseline = BASELINES.computeIfAbsent(runId + "/" + key, k -> engine.stats());
      }
      try {
        engine.model();
      } catch (RuntimeException | Error e) {
        new RunEngine(held, baseline).release();
        throw e;
      }
      return new RunEngine(held, baseline);
    } finally {
      LOADS.remove();
    }
  }

  /** Removes the least recently used idle engines beyond {@link #KEPT_IDLE}, never {@code keep}'s; the caller closes them. */
  private static List<InferenceEngine> evictIdle(String keep) {
    List<Map.Entry<String, Held>> idle = new ArrayList<>(); // eldest first
    for (Map.Entry<String, Held> e : ENGINES.entrySet()) {
      if (e.getValue().users == 0 && !e.getKey().equals(keep)) {
        idle.add(e);
      }
    }
    List<InferenceEngine> closing = new ArrayList<>();
    for (Map.Entry<String, Held> e : idle.subList(0, Math.max(0, idle.size() - KEPT_IDLE))) {
      ENGINES.remove(e.getKey());
      closing.add(e.getValue().engine);
    }
    if (!closing.isEmpty()) {
      LOG.info("executor {}: {} idle inference engine(s) closed, {} kept", executorId(), closing.size(),
          ENGINES.size());
    }
    return closing;
  }

  private static InferenceEngine newEngine(ShippedModel model, ScoreSettings s, int threads, String indexCache) {
    return new InferenceEngine(EngineOptions.builder()
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
        .indexCache(indexCache)
        .build());
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

  /**
   * Where engines keep the decode's index between loads: {@link #INDEX_CACHE} ("off": nowhere);
   * unset, the folder system property {@code lsm.index.cache} names (bin/lsm sets it), if any.
   */
  static String indexCache(SparkConf conf) {
    return conf == null ? null : conf.get(INDEX_CACHE, null);
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
