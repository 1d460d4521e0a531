package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scoring run killed with SIGKILL while it writes: the date's previous rows stay readable and
 * whole, the rerun writes the complete partition, and no row is ever duplicated.
 */
@Tag("fault")
class KilledWriteTest {
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
  }


  /** {@code lsm score} in a JVM of its own, as an operator would run it. */
  static Process score(String input, String output, int topK) throws Exception {
    return ChildRuns.score(tmp, List.of(), false, input, output, "2026-07-08", topK).process();
  }

  /**
   * A run nothing kills, in this JVM rather than a child (a child costs its JVM's and Spark's
   * start on top of the scoring; what the kill left is on disk, the same for any JVM): the
   * child's options, top {@code topK}.
   */
  static void scoreHere(String corpus, String out, int topK) {
    ScoreJob.run(spark, new ScoreJob.Request(ChildRuns.GOLDEN.resolve("model").toString(), corpus, out,
        Corpus.Columns.defaults(),
        ChildRuns.settings(topK),
        LocalDate.parse("2026-07-08"), 6, false));
  }

  static Map<String, String> partition(String out) {
    Map<String, String> m = new TreeMap<>();
    List<Row> rows = spark.read().parquet(out + "/run_date=2026-07-08").collectAsList();
    for (Row r : rows) {
      String key = r.getAs("conversation_id") + "/" + r.getAs("turn_index");
      assertEquals(null, m.put(key, r.getAs("run_id") + "|" + ScoreJobTest.topK(r)), "duplicate row " + key);
    }
    return m;
  }

  static boolean writing(Path out) throws Exception {
    if (!Files.isDirectory(out)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(out)) {
      return files.anyMatch(p -> p.toString().contains(".spark-staging") && p.toString().endsWith(".parquet"));
    }
  }

  @Test
  void aRunKilledWhileWritingLeavesThePreviousPartitionWhole() throws Exception {
    String corpus = Corpora.golden(spark, ChildRuns.GOLDEN, tmp.resolve("corpus"), 600, 40, 5);
    String out = tmp.resolve("table").toString();
    long windows = 600L * 30;

    scoreHere(corpus, out, 3); // the date's previous rows
    Map<String, String> before = partition(out);
    assertEquals(windows, before.size());

    Process doomed = score(corpus, out, 5);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!writing(Path.of(out)) && doomed.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(doomed.isAlive(), "the second run was still writing when killed");
    new ChildRuns.Child(doomed, null, List.of()).kill();
    assertEquals(before, partition(out), "the previous rows of the date, whole and unchanged");

    scoreHere(corpus, out, 5); // the rerun
    Map<String, String> after = partition(out);
    assertEquals(windows, after.size());
    assertEquals(1, after.values().stream().map(v -> v.substring(0, v.indexOf('|'))).distinct().count(),
        "one run's rows only");
    assertTrue(!after.equals(before));
    assertTrue(new File(out, "_runs").list().length >= 2);
  }
}
