package org.lsmspark.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code lsm} in a JVM of its own, as an operator (or a scheduler) runs it: started with the
 * test classpath, its console in a log file, killed with SIGKILL when a test says so.
 */
final class ChildRuns {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  /** Longest a child may take to finish or to reach a fault point: a hang fails the test instead of the build. */
  static final long TIMEOUT_SECONDS = 600;
  private static final String DELTA_SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
  /** Every child started, killed when a test ends (a failed assertion must not leave a paused child behind). */
  private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static final ChildClassArchive ARCHIVE = ChildClassArchive.forClasspath(ClusterSession.classpath());

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildRuns::killAll));
  }

  private ChildRuns() {}

  /** Kills the children a test left running: a failed assertion must not leave a paused child behind. */
  static final class KillAfterEach implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) {
      killAll();
    }
  }

  /** Kills the children still running; SIGKILL, they hold nothing to release. */
  static void killAll() {
    for (Process p : STARTED) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    STARTED.clear();
  }

  private static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile(
      "(?:ScoreJob: run |lsm score: run )([0-9a-f-]{36})");

  /** A running child: its process, the file its stdout and stderr go to, its class-archive options. */
  record Child(Process process, Path log, List<String> archiveOptions) {
    /** The exit code, waiting at most {@link #TIMEOUT_SECONDS}; a child still running then is killed and fails the test. */
    int exit() throws InterruptedException {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        kill();
        throw new AssertionError("child still running after " + TIMEOUT_SECONDS + " s; its console:\n" + output());
      }
      ARCHIVE.written(archiveOptions, process.exitValue() == 0);
      return process.exitValue();
    }

    /** SIGKILL, as a lost machine or the OOM killer would: no shutdown hook, no finally block runs. */
    void kill() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor();
      ARCHIVE.written(archiveOptions, false);
    }

    String output() {
      try {
        return Files.exists(log) ? Files.readString(log) : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The run id the child logged when it started scoring ({@code ScoreJob: run ID: ...}), or null. */
    String runId() {
      java.util.regex.Matcher m = RUN_ID.matcher(output());
      return m.find() ? m.group(1) : null;
    }

    /** Waits until {@code condition} holds while the child runs; false when the child ended first or time ran out. */
    boolean awaitWhileAlive(BooleanSupplier condition) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (!condition.getAsBoolean()) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          return condition.getAsBoolean();
        }
        Thread.sleep(20);
      }
      return true;
    }
  }

  /**
   * {@code lsm ARGS} in a child JVM; {@code jvmOptions} come before the main class (e.g.
   * {@code -Dspark...} settings, which Spark reads from system properties, or a fault point's).
   * {@code endsNormally}: the test lets it run to its end, so it may write the class archive.
   */
  static Child lsm(Path logDir, List<String> jvmOptions, List<String> args, boolean endsNormally) {
    List<String> archiveOptions = ARCHIVE.options(endsNormally);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:+UseSerialGC"));
    cmd.addAll(archiveOptions);
    cmd.addAll(List.of(System.getProperty("jvm.opens").split(" ")));
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      cmd.add("-Dlog4j2.configurationFile=" + log4j);
    }
    cmd.add("-Dspark.ui.showConsoleProgress=false");
    String snapshotPartitions = System.getProperty(DELTA_SNAPSHOT_PARTITIONS);
    if (snapshotPartitions != null) { // the test JVM's setting (job/pom.xml): a few-commit log in a few tasks, not 50
      cmd.add("-D" + DELTA_SNAPSHOT_PARTITIONS + "=" + snapshotPartitions);
    }
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", ARCHIVE.classpath(), "org.lsmspark.cli.Main"));
    cmd.addAll(args);
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve("child-" + System.nanoTime() + ".log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      STARTED.add(p);
      return new Child(p, log, archiveOptions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #score}'s options ({@code --batch-size 8}, the default caches) with {@code topK}, for a run in the test JVM. */
  static ScoreSettings settings(int topK) {
    return new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 8, topK,
        org.lsmspark.inference.EngineOptions.DEFAULT_CACHE_SIZE,
        org.lsmspark.inference.EngineOptions.DEFAULT_CACHE_MEMORY_BYTES, false);
  }

  /** {@code lsm score} of the golden model with the options every fault test uses, then {@code extra}. */
  static Child score(Path logDir, List<String> jvmOptions, boolean endsNormally, String input, String output,
      String runDate, int topK, String... extra) {
    List<String> args = new ArrayList<>(List.of("score", "--model", GOLDEN.resolve("model").toString(),
        "--input", input, "--output", output, "--master", "local[2]", "--run-date", runDate, "--batch-size", "8",
        "--top-k", String.valueOf(topK), "--partitions", "6"));
    args.addAll(List.of(extra));
    return lsm(logDir, jvmOptions, args, endsNormally);
  }

  /** Waits for a child to exit 0; otherwise fails with its console. */
  static void succeeds(Child c, String what) throws InterruptedException {
    int code = c.exit();
    if (code != 0) {
      throw new AssertionError(what + ": exit code " + code + ", console:\n" + c.output());
    }
  }
}
