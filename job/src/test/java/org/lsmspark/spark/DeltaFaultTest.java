package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta runs under faults, each {@code lsm score} a JVM of its own: one killed with SIGKILL
 * while it writes leaves the table at its previous version and the rerun completes; two at once
 * on one date never leave a mixed partition.
 */
@Tag("fault")
class DeltaFaultTest {
  static final String DATE = "2026-07-08";
  @TempDir static Path tmp;
  static SparkSession spark;
  static String corpus;
  static final long WINDOWS = 1500L * 30;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
    corpus = Corpora.golden(spark, LakeRuns.GOLDEN, tmp.resolve("corpus"), 1500, 40, 5);
  }

  static Process score(String output, int topK) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g"));
    cmd.addAll(List.of(System.getProperty("jvm.opens").split(" ")));
    cmd.addAll(List.of("-cp", ClusterSession.classpath(), "org.lsmspark.cli.Main", "score", "--model", LakeRuns.MODEL,
        "--input", corpus, "--output", output, "--output-format", "delta", "--master", "local[2]", "--run-date", DATE,
        "--batch-size", "8", "--top-k", String.valueOf(topK), "--partitions", "6"));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("child-" + System.nanoTime() + ".log").toFile()).start();
  }

  static Map<String, String> table(String out) {
    return LakeRuns.rows(spark.read().format("delta").load(out));
  }

  static long dataFiles(Path out) throws Exception {
    try (Stream<Path> files = Files.walk(out)) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
  }

  static long versions(String out) {
    return DeltaTable.forPath(spark, out).history().count();
  }

  @Test
  void aRunKilledWhileCommittingLeavesThePreviousVersionAndTheRerunCompletes() throws Exception {
    String out = tmp.resolve("killed").toString();
    assertEquals(0, score(out, 3).waitFor(), "first run");
    Map<String, String> before = table(out);
    assertEquals(WINDOWS, before.size());
    long filesBefore = dataFiles(Path.of(out));

    Process doomed = score(out, 5);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (dataFiles(Path.of(out)) == filesBefore && doomed.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(doomed.isAlive(), "the second run was still writing its files when killed");
    doomed.descendants().forEach(ProcessHandle::destroyForcibly);
    doomed.destroyForcibly();
    doomed.waitFor();
    assertEquals(1, versions(out), "no commit of the killed run");
    assertEquals(before, table(out), "the previous version, whole; the killed run's files are not in the table");

    assertEquals(0, score(out, 5).waitFor(), "rerun");
    Map<String, String> after = table(out);
    assertEquals(WINDOWS, after.size());
    assertEquals(1, after.values().stream().map(v -> v.substring(0, v.indexOf('|'))).distinct().count());
    assertEquals(2, versions(out));
    assertEquals(before, LakeRuns.rows(spark.read().format("delta").option("versionAsOf", 0).load(out)));
  }

  @Test
  void twoRunsAtOnceOnOneDateNeverMixTheirRows() throws Exception {
    String out = tmp.resolve("concurrent").toString();
    assertEquals(0, score(out, 3).waitFor(), "the table exists before the race");
    Process a = score(out, 4);
    Process b = score(out, 5);
    int codeA = a.waitFor();
    int codeB = b.waitFor();
    assertTrue(codeA == 0 || codeB == 0, "one run commits: " + codeA + ", " + codeB);
    for (int code : new int[] {codeA, codeB}) {
      assertTrue(code == 0 || code == 3, "the other commits after it or fails as a failure (3), got " + code);
    }
    Map<String, String> rows = table(out);
    assertEquals(WINDOWS, rows.size());
    assertEquals(1, rows.values().stream().map(v -> v.substring(0, v.indexOf('|'))).distinct().count(),
        "one run's rows only");
    assertEquals(1 + (codeA == 0 ? 1 : 0) + (codeB == 0 ? 1 : 0), versions(out), "a commit per successful run");
  }
}
