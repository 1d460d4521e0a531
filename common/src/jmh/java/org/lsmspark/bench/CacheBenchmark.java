package org.lsmspark.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.inference.InferenceEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One window through {@link InferenceEngine#predictWithConfidence}: the same window again (a
 * prediction-cache hit) against a window not seen before (a miss: embedding, CNN and the decode
 * of a batch of one). The decode cache is kept empty so that a miss is a full miss.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class CacheBenchmark extends FullSizeModel {
  private InferenceEngine engine;
  private List<List<String>> windows;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    windows = BenchData.windows(dir);
    engine = new InferenceEngine(EngineOptions.builder().bundle(BenchData.bundle(dir)).threads(2).lazyLoad(false)
        .cacheSize(1_000_000).cacheMemoryBytes(2L << 30).build());
    engine.predictWithConfidence(windows.get(0));
  }

  @Setup(Level.Iteration)
  public void emptyCaches() {
    engine.clearCaches();
    engine.predictWithConfidence(windows.get(0));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  public Object hit() {
    return engine.predictWithConfidence(windows.get(0));
  }

  @Benchmark
  public Object miss() {
    next = next % (windows.size() - 1) + 1;
    // a window never asked for in this iteration: the file's windows are distinct but for a few repeats
    return engine.predictWithConfidence(windows.get(next));
  }
}
