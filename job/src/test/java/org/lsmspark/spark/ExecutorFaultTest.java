package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a standalone cluster of two workers with speculative execution on, an executor JVM killed
 * with SIGKILL in the middle of a run: the job finishes and its rows equal an undisturbed run's.
 */
@Tag("fault")
class ExecutorFaultTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  @TempDir static Path tmp;
  static SparkSession spark;
  static String corpus;

  @BeforeAll
  static void start() {
    spark = ClusterSession.start("local-cluster[2,1,1024]", Map.of(
        "spark.speculation", "true",
        "spark.speculation.interval", "200ms",
        "spark.speculation.quantile", "0.25",
        "spark.speculation.multiplier", "1.2",
        "spark.task.maxFailures", "8"));
    corpus = Corpora.golden(spark, GOLDEN, tmp.resolve("corpus"), 600, 40, 11);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static ScoreJob.Result run(String out) {
    return ScoreJob.run(spark, new ScoreJob.Request(GOLDEN.resolve("model").toString(), corpus, out,
        Corpus.Columns.defaults(),
        new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 16, 5, 100, 8L << 20, false),
        LocalDate.of(2026, 5, 6), 12, false));
  }

  static Map<String, String> rows(String out) {
    Map<String, String> m = new TreeMap<>();
    for (Row r : spark.read().parquet(out).collectAsList()) {
      String key = r.getAs("conversation_id") + "/" + r.getAs("turn_index");
      String value = r.getAs("status") + "|" + r.getAs("predicted_text") + "|" + r.getAs("confidence") + "|"
          + ScoreJobTest.topK(r) + "|" + r.getAs("actual_text");
      assertEquals(null, m.put(key, value), "duplicate row " + key);
    }
    return m;
  }

  @Test
  void aKilledExecutorChangesNothing() throws Exception {
    ScoreJob.Result calm = run(tmp.resolve("calm").toString());
    long windows = 600L * 30;
    assertEquals(windows, calm.counts().rowsWritten());

    AtomicLong killed = new AtomicLong(-1);
    StringBuffer seen = new StringBuffer();
    Thread killer = new Thread(() -> {
      try {
        while (killed.get() < 0) {
          Thread.sleep(100);
          for (int stageId : spark.sparkContext().statusTracker().getActiveStageIds()) {
            SparkStageInfo s = spark.sparkContext().statusTracker().getStageInfo(stageId).get();
            if (seen.length() < 2000) {
              seen.append(String.format("stage %d: %d tasks, %d done, %d active, %d executors; ", stageId,
                  s.numTasks(), s.numCompletedTasks(), s.numActiveTasks(), ClusterSession.executors().size()));
            }
            // the scoring stage has 12 tasks; kill once some are done and others run
            if (s.numTasks() == 12 && s.numCompletedTasks() >= 2 && s.numActiveTasks() > 0) {
              List<ProcessHandle> executors = ClusterSession.executors();
              if (!executors.isEmpty()) {
                ProcessHandle victim = executors.get(0);
                victim.destroyForcibly();
                killed.set(victim.pid());
              }
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    killer.setDaemon(true);
    killer.start();
    ScoreJob.Result stormy = run(tmp.resolve("stormy").toString());
    killer.interrupt();
    assertTrue(killed.get() > 0, "an executor was killed during the run; seen: " + seen);
    assertEquals(windows, stormy.counts().rowsWritten());
    Map<String, String> calmRows = rows(tmp.resolve("calm").toString());
    assertEquals(calmRows, rows(tmp.resolve("stormy").toString()));
    // with speculative copies racing the originals, rows still equal the core's own predictions
    org.lsmspark.inference.LsmModel lsm = org.lsmspark.inference.LsmModel.of(
        org.lsmspark.model.ModelDirectory.read(GOLDEN.resolve("model").toString()));
    Map<String, List<String>> texts = new TreeMap<>();
    for (Row r : spark.read().parquet(corpus).where("dialogue_id in ('conv-00007', 'conv-00555', 'conv-00599')")
        .orderBy("dialogue_id", "turn_index").collectAsList()) {
      texts.computeIfAbsent(r.getString(0), c -> new java.util.ArrayList<>()).add(r.getString(2));
    }
    texts.forEach((conversation, turns) -> {
      for (int t = 10; t < turns.size(); t++) {
        var p = lsm.predict(List.of(turns.subList(t - 10, t)), 5).get(0);
        StringBuilder top = new StringBuilder();
        p.topK().forEach(x -> top.append(x.text()).append('=').append(x.score()).append(';'));
        assertEquals("ok|" + p.predictedText() + "|" + p.confidence() + "|" + top + "|" + turns.get(t),
            calmRows.get(conversation + "/" + t), conversation + "/" + t);
      }
    });
  }
}
