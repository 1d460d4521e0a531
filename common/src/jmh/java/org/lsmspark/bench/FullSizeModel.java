package org.lsmspark.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What every benchmark shares: one forked JVM with the heap and the flags ND4J needs on Java 17,
 * and the folder of the full-size model and its windows (bin/bench writes it).
 */
@State(Scope.Benchmark)
// the collector bin/lsm runs with
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+UseParallelGC", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public abstract class FullSizeModel {
  @Param({"/tmp/perf-sgd"})
  public String dir;
}
