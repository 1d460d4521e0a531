package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;

class ExecutorEnginesTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));

  @Test
  void anEngineGetsTheCpusOfItsTaskSlotNotEveryProcessor() {
    assertEquals(1, ExecutorEngines.engineThreads(new SparkConf(false)));
    assertEquals(3, ExecutorEngines.engineThreads(new SparkConf(false).set("spark.task.cpus", "3")));
    assertEquals(1, ExecutorEngines.engineThreads(null), "no Spark environment: one thread");
    assertNull(ExecutorEngines.indexCache(new SparkConf(false)), "unset: the system property decides");
    assertEquals("/local/lsm", ExecutorEngines.indexCache(new SparkConf(false).set("spark.lsm.indexCache", "/local/lsm")));
    assertNull(ExecutorEngines.indexCache(null));

    SparkSession spark = SparkTestSession.get();
    ModelBundle bundle = ModelDirectory.read(GOLDEN.resolve("model").toString());
    ShippedModel shipped = ShippedModel.broadcast(spark.sparkContext(), bundle);
    ScoreSettings settings = new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 4, 5, 100, 1 << 20,
        false);
    CountsByKey loads = new CountsByKey();
    ExecutorEngines.RunEngine first = ExecutorEngines.get("run-1", shipped, settings, loads);
    // local[2] with spark.task.cpus unset: two task slots of one cpu each, so one engine thread
    assertEquals(1, first.engine().options().threads());

    List<String> window = java.util.Collections.nCopies(bundle.config().windowSize(), "hello");
    first.engine().predictBatch(List.of(window, window), 5);
    assertEquals(2L, first.snapshot().values().get("windows"));
    ExecutorEngines.RunEngine again = ExecutorEngines.get("run-1", shipped, settings, loads);
    assertSame(first.baseline(), again.baseline(), "one baseline per run and engine");
    ExecutorEngines.RunEngine next = ExecutorEngines.get("run-2", shipped, settings, loads);
    assertSame(first.engine(), next.engine(), "the engine outlives the run");
    assertEquals(0L, next.snapshot().values().get("windows"), "run 2 starts from the engine's figures so far");
    assertEquals(0L, next.snapshot().values().get("load_millis"), "run 2 did not load the model");
    assertEquals(1L, loads.value().values().stream().mapToLong(Long::longValue).sum());
    long s1 = first.snapshot().sequence();
    long s2 = next.snapshot().sequence();
    assertEquals(s1 + 1, s2, "snapshots are numbered in the order they are read");
  }

  @Test
  void idleEnginesBeyondTheKeptOnesAreClosedBusyOnesNever() {
    SparkSession spark = SparkTestSession.get();
    ModelBundle bundle = ModelDirectory.read(GOLDEN.resolve("model").toString());
    ShippedModel shipped = ShippedModel.broadcast(spark.sparkContext(), bundle);
    CountsByKey loads = new CountsByKey();
    java.util.function.IntFunction<ExecutorEngines.RunEngine> engineWithCache = size -> ExecutorEngines.get("run-k",
        shipped, new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 4, 5, size, 1 << 20, false),
        loads);
    ExecutorEngines.RunEngine busy = engineWithCache.apply(1); // held throughout
    ExecutorEngines.RunEngine a = engineWithCache.apply(2);
    a.release();
    a.release(); // a second release of one hold changes nothing
    ExecutorEngines.RunEngine again = engineWithCache.apply(2);
    assertSame(a.engine(), again.engine(), "a kept engine is reused");
    again.release();
    for (int size = 3; size < 3 + ExecutorEngines.KEPT_IDLE; size++) {
      engineWithCache.apply(size).release();
    }
    assertClosed(a.engine(), true, "the least recently used idle engine");
    assertClosed(busy.engine(), false, "an engine a task holds");
    busy.release();
    engineWithCache.apply(100).release();
    assertClosed(busy.engine(), true, "the busy engine once released and no longer among the kept");
  }

  private static void assertClosed(org.lsmspark.inference.InferenceEngine engine, boolean closed, String what) {
    List<String> window = java.util.Collections.nCopies(ModelDirectory.read(GOLDEN.resolve("model").toString())
        .config().windowSize(), "hello");
    if (closed) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> engine.predictBatch(
          List.of(window), 5), what + " is open");
    } else {
      assertEquals(1, engine.predictBatch(List.of(window), 5).size(), what + " was closed");
    }
  }
}
