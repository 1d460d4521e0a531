package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.model.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch-scoring job: corpus in, prediction table out (Parquet partitioned by
 * {@code run_date}, a rerun of a date replacing that partition only), and a run manifest under
 * {@code _runs/}.
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  public static final String RUNS_DIR = "_runs";

  /** What to score and where: the settings travel to executors, the rest stays on the driver. */
  public record Request(String model, String input, String output, Corpus.Columns columns, ScoreSettings settings,
      LocalDate runDate, int partitions, boolean allowForeignOutput) {}

  /** The figures of a finished run, as written to its manifest. */
  public record Result(String runId, String manifest, Map<String, Object> summary) {
    @SuppressWarnings("unchecked")
    public Map<String, Long> counts() {
      return (Map<String, Long>) summary.get("counts");
    }
  }

  private ScoreJob() {}

  public static Result run(SparkSession spark, Request r) {
    String runId = UUID.randomUUID().toString();
    long t0 = System.nanoTime();
    OutputTable.check(spark, r.output(), r.allowForeignOutput());
    LsmScorer scorer = new LsmScorer()
        .setModelPath(r.model())
        .setConversationCol(r.columns().conversation())
        .setTurnIndexCol(r.columns().turnIndex())
        .setTextCol(r.columns().text())
        .setTurnsCol(r.columns().turns())
        .setMode(r.settings().mode().label())
        .setMinContext(r.settings().minContext())
        .setBatchSize(r.settings().batchSize())
        .setTopK(r.settings().topK())
        .setCacheSize(r.settings().cacheSize())
        .setCacheMemoryBytes(r.settings().cacheMemoryBytes())
        .setLegacyMode(r.settings().legacyMode())
        .setNumPartitions(r.partitions());
    ModelBundle bundle = scorer.loadModel(spark);
    Dataset<Row> raw = Corpus.load(spark, r.input());
    Dataset<Row> scored = scorer.transform(raw);
    long t1 = System.nanoTime();
    LOG.info("run {}: scoring {} with model {} into {} (run_date {})", runId, Redaction.path(r.input()),
        bundle.modelId(), Redaction.path(r.output()), r.runDate());

    Dataset<Row> table = scored
        .withColumn("run_id", lit(runId))
        .withColumn("run_date", to_date(lit(r.runDate().toString())));
    table.write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy("run_date")
        .parquet(r.output());
    long t2 = System.nanoTime();

    PartitionScorer.Metrics m = scorer.lastMetrics();
    long written = countWritten(spark, r.output(), r.runDate(), runId);
    long t3 = System.nanoTime();

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("run_id", runId);
    summary.put("model_id", bundle.modelId());
    summary.put("model_fingerprint", bundle.fingerprint());
    summary.put("model", Redaction.path(r.model()));
    summary.put("input", Redaction.path(r.input()));
    summary.put("output", Redaction.path(r.output()));
    summary.put("run_date", r.runDate().toString());
    summary.put("finished_at", Instant.now().toString());
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("mode", r.settings().mode().label());
    options.put("min_context", r.settings().minContext(bundle.config().windowSize()));
    options.put("batch_size", r.settings().batchSize());
    options.put("top_k", r.settings().topK());
    options.put("cache_size", r.settings().cacheSize());
    options.put("cache_memory_bytes", r.settings().cacheMemoryBytes());
    options.put("legacy_mode", r.settings().legacyMode());
    options.put("partitions", r.partitions());
    options.put("columns", Map.of("conversation", r.columns().conversation(), "turn_index",
        r.columns().turnIndex(), "text", r.columns().text()));
    summary.put("options", options);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("conversations", m.conversations().value());
    counts.put("turns_read", m.turns().value());
    counts.put("windows_scored", m.windows().value());
    counts.put("errors", m.errors().value());
    counts.put("skipped_short_context", m.skippedShortContext().value());
    counts.put("duplicate_turns", m.duplicates().value());
    counts.put("rows_written", written);
    summary.put("counts", counts);
    summary.put("model_loads_per_executor", m.modelLoads().value());
    summary.put("engines", m.engineStats().summed());
    Map<String, Double> durations = new LinkedHashMap<>();
    durations.put("prepare_seconds", seconds(t1 - t0));
    durations.put("score_and_write_seconds", seconds(t2 - t1));
    durations.put("verify_seconds", seconds(t3 - t2));
    durations.put("total_seconds", seconds(t3 - t0));
    durations.put("scoring_task_seconds", m.scoringNanos().value() / 1e9);
    summary.put("durations", durations);
    summary.put("windows_per_second", m.windows().value() / Math.max(seconds(t2 - t1), 1e-9));

    if (written != m.windows().value()) {
      throw new IllegalStateException("run " + runId + " wrote " + written + " rows for " + m.windows().value()
          + " windows");
    }
    String manifest = writeManifest(spark, r.output(), runId, summary);
    return new Result(runId, manifest, summary);
  }

  /** Rows of this run in its partition, read back from the table (none when it scored nothing). */
  private static long countWritten(SparkSession spark, String output, LocalDate runDate, String runId) {
    Path partition = new Path(output, "run_date=" + runDate);
    try {
      if (!partition.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(partition)) {
        return 0;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back " + Redaction.path(partition.toString()), e);
    }
    return spark.read().option("basePath", output).parquet(partition.toString())
        .where(col("run_id").equalTo(runId)).count();
  }

  private static String writeManifest(SparkSession spark, String output, String runId, Map<String, Object> summary) {
    Path p = new Path(new Path(output, RUNS_DIR), runId + ".json");
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, false)) {
        out.write(JSON.writeValueAsString(summary).getBytes(StandardCharsets.UTF_8));
      }
      return Redaction.path(p.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run manifest " + Redaction.path(p.toString()) + ": "
          + Redaction.text(e.getMessage()), e);
    }
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }
}
