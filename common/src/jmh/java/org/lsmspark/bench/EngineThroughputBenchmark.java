package org.lsmspark.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.inference.InferenceEngine;
import org.lsmspark.inference.WindowResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Windows per second, the engine's way against the baseline: {@code legacy} scores one window at a
 * time without caches; {@code batch1/32/256} is the optimized engine at that maximum batch size.
 * Every invocation scores the next 256 windows of the file (distinct windows, as a corpus has
 * them; the caches are emptied before each iteration and whenever the file starts over, so
 * prediction-cache hits are only the file's own repeats: at 2,000 windows a second or more an
 * iteration of 10 s wraps around the 20,000 windows of the full-size model's file, and answered
 * its second pass from the cache). The engine uses 2 threads; its decode runs ND4J's BLAS on them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
public class EngineThroughputBenchmark extends FullSizeModel {
  static final int WINDOWS_PER_INVOCATION = 256;

  @Param({"legacy", "batch1", "batch32", "batch256"})
  public String mode;

  private InferenceEngine engine;
  private List<List<String>> windows;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    windows = BenchData.windows(dir);
    EngineOptions.Builder b = EngineOptions.builder().bundle(BenchData.bundle(dir)).threads(2).lazyLoad(false);
    b = switch (mode) {
      case "legacy" -> b.legacyMode(true);
      case "batch1" -> b.maxBatchSize(1);
      case "batch32" -> b.maxBatchSize(32);
      case "batch256" -> b.maxBatchSize(256);
      default -> throw new IllegalArgumentException("mode " + mode);
    };
    engine = new InferenceEngine(b.build());
  }

  @Setup(Level.Iteration)
  public void emptyCaches() {
    engine.clearCaches();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  @OperationsPerInvocation(WINDOWS_PER_INVOCATION)
  public void score(Blackhole bh) {
    int from = next;
    next = (from + WINDOWS_PER_INVOCATION) % (windows.size() - WINDOWS_PER_INVOCATION);
    if (next < from) {
      engine.clearCaches();
    }
    List<WindowResult> r = engine.predictBatch(windows.subList(from, from + WINDOWS_PER_INVOCATION));
    bh.consume(r);
  }
}
