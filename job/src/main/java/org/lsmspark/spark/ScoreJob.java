package org.lsmspark.spark;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.model.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch-scoring job: corpus in, prediction table out (partitioned by {@code run_date}; a
 * run replaces its date in one commit of the table's format), and a run manifest under
 * {@code _runs/}.
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
  public static final String RUNS_DIR = "_runs";

  /**
   * What to score and where: the settings travel to executors, the rest stays on the driver.
   * {@code inputFormat} is one of {@link Corpus#FORMATS}; {@code warehouse} roots the default
   * Iceberg catalog (null otherwise).
   */
  public record Request(String model, String input, String output, Corpus.Columns columns, ScoreSettings settings,
      LocalDate runDate, int partitions, boolean allowForeignOutput, String inputFormat, TableFormat outputFormat,
      String warehouse) {

    /** Corpus by its path, predictions into a Parquet folder. */
    public Request(String model, String input, String output, Corpus.Columns columns, ScoreSettings settings,
        LocalDate runDate, int partitions, boolean allowForeignOutput) {
      this(model, input, output, columns, settings, runDate, partitions, allowForeignOutput, "auto",
          TableFormat.PARQUET, null);
    }
  }

  /** A finished run: its id, where its manifest was written, and the manifest. */
  public record Result(String runId, String manifest, RunManifest summary) {
    public RunManifest.Counts counts() {
      return summary.counts();
    }
  }

  private ScoreJob() {}

  public static Result run(SparkSession spark, Request r) {
    String runId = UUID.randomUUID().toString();
    long t0 = System.nanoTime();
    TableSink sink = TableSink.open(spark, r.outputFormat(), r.output(), r.warehouse());
    sink.check(r.allowForeignOutput());
    LsmScorer scorer = scorer(r);
    ModelBundle bundle = scorer.loadModel(spark);
    Dataset<Row> raw = Corpus.load(spark, r.input(), r.inputFormat());
    scorer.transformSchema(raw.schema()); // a missing column is refused before the model is shipped
    scorer.shipModel(spark);
    // scoring starts before transform: the plan becoming an RDD runs the shuffle that groups the
    // turns into conversations (the adaptive planner materializes it there)
    long t1 = System.nanoTime();
    Dataset<Row> scored = scorer.transform(raw);
    LOG.info("run {}: scoring {} with model {} into {} table {} (run_date {})", runId, Redaction.path(r.input()),
        bundle.modelId(), r.outputFormat().label(), sink.displayName(), r.runDate());

    Replacement replacement = Replacement.ofDate(r.runDate(), runId);
    TableCommit commit = sink.replace(withRunColumns(scored, runId, r.runDate()), replacement);
    long t2 = System.nanoTime();

    PartitionScorer.Metrics m = scorer.lastMetrics();
    long written = sink.countCommitted(commit, replacement, runId);
    long t3 = System.nanoTime();

    RunManifest.Counts counts = new RunManifest.Counts(m.conversations().value(), m.turns().value(),
        m.windows().value(), m.errors().value(), m.skippedShortContext().value(), m.duplicates().value(),
        m.turnsWithoutKey().value(), written);
    RunManifest.Durations durations = new RunManifest.Durations(seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2),
        seconds(t3 - t0), m.scoringNanos().value() / 1e9);
    RunManifest summary = new RunManifest(runId, bundle.modelId(), bundle.fingerprint(), Redaction.path(r.model()),
        Redaction.path(r.input()), sink.displayName(), r.runDate().toString(), Instant.now().toString(),
        LsmSparkVersion.of(), options(r, bundle), counts, m.modelLoads().value(),
        m.engineStats().summed(r.settings().decode(), r.settings().decodeCheckRate()), durations,
        m.windows().value() / Math.max(seconds(t2 - t1), 1e-9),
        new RunManifest.Table(r.outputFormat().label(), commit.version()), null);

    if (written != m.windows().value()) {
      throw new IllegalStateException("run " + runId + " wrote " + written + " rows for " + m.windows().value()
          + " windows");
    }
    String manifest = writeManifest(spark, sink.runsDir(), runId, summary);
    return new Result(runId, manifest, summary);
  }

  /** The scorer a request asks for. */
  static LsmScorer scorer(Request r) {
    return new LsmScorer()
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
        .setDecode(r.settings().decode().toString())
        .setDecodeCheckRate(r.settings().decodeCheckRate())
        .setNumPartitions(r.partitions());
  }

  /** The scorer's rows as table rows: plus the run's id and date. */
  static Dataset<Row> withRunColumns(Dataset<Row> scored, String runId, LocalDate runDate) {
    return scored.withColumn("run_id", lit(runId)).withColumn("run_date", to_date(lit(runDate.toString())));
  }

  static RunManifest.Options options(Request r, ModelBundle bundle) {
    ScoreSettings st = r.settings();
    return new RunManifest.Options(st.mode().label(), st.minContext(bundle.config().windowSize()), st.batchSize(),
        st.topK(), st.cacheSize(), st.cacheMemoryBytes(), st.legacyMode(), r.partitions(),
        new RunManifest.Columns(r.columns().conversation(), r.columns().turnIndex(), r.columns().text()));
  }

  static String writeManifest(SparkSession spark, Path runsDir, String runId, RunManifest summary) {
    Path p = new Path(runsDir, runId + ".json");
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, false)) {
        out.write(summary.toJson().getBytes(StandardCharsets.UTF_8));
      }
      return Redaction.path(p.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run manifest " + Redaction.path(p.toString()) + ": "
          + Redaction.text(e.getMessage()), e);
    }
  }

  static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }
}
