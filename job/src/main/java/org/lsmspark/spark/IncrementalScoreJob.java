package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.lsmspark.model.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incremental run: Structured Streaming with {@code Trigger.AvailableNow} over the input
 * (a Parquet or JSON folder, or a Delta table) scores what arrived since the checkpoint's last
 * run, one micro-batch at a time, through the same scorer as a batch run.
 *
 * <p>The unit of arrival is a file (a Delta commit for a Delta input) holding whole
 * conversations: a batch replaces, in one Delta commit, every row of the conversations it
 * holds, so a conversation sent again is rescored and its rows replaced, never duplicated.
 * Exactly once: each commit is idempotent under ({@code txnAppId} = the streaming query's id,
 * which its checkpoint keeps; {@code txnVersion} = the batch id), so a batch replayed after a
 * crash between the table commit and the checkpoint's is skipped.
 */
public final class IncrementalScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(IncrementalScoreJob.class);
  /** The local property Structured Streaming sets on the thread that runs a query's batches. */
  private static final String QUERY_ID = "sql.streaming.queryId";

  private IncrementalScoreJob() {}

  public static ScoreJob.Result run(SparkSession spark, ScoreJob.Request r, String checkpoint) {
    String runId = UUID.randomUUID().toString();
    long t0 = System.nanoTime();
    TableSink sink = TableSink.open(spark, r.outputFormat(), r.output(), r.warehouse());
    if (!sink.replacesConversations()) {
      throw new IllegalArgumentException("--incremental replaces the rows of conversations sent again, which needs"
          + " --output-format delta (got " + r.outputFormat().label() + ")");
    }
    sink.check(r.allowForeignOutput());
    LsmScorer scorer = ScoreJob.scorer(r);
    ModelBundle bundle = scorer.loadModel(spark);
    Dataset<Row> stream = stream(spark, r);
    scorer.transformSchema(stream.schema()); // the schema is refused before the first batch, naming the column
    RunTotals totals = new RunTotals(r.settings());
    VoidFunction2<Dataset<Row>, Long> batch = (rows, batchId) -> scoreBatch(spark, sink, scorer, r, runId, rows,
        batchId, totals);
    long t1 = System.nanoTime();
    LOG.info("run {}: incremental scoring of {} with model {} into {} table {} (checkpoint {})", runId,
        Redaction.path(r.input()), bundle.modelId(), r.outputFormat().label(), sink.displayName(),
        Redaction.path(checkpoint));
    try {
      StreamingQuery q = stream.writeStream()
          .queryName("lsm-score-" + runId)
          .option("checkpointLocation", checkpoint)
          .trigger(Trigger.AvailableNow())
          .foreachBatch(batch)
          .start();
      q.awaitTermination();
    } catch (StreamingQueryException e) {
      Throwable cause = e.cause() == null ? e : e.cause();
      throw new IllegalStateException("incremental run " + runId + " failed: " + Redaction.text(cause.getMessage()),
          cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("incremental run " + runId + " could not start its stream", e);
    }
    long t2 = System.nanoTime();

    RunManifest.Counts counts = totals.counts();
    RunManifest.Durations durations = new RunManifest.Durations(ScoreJob.seconds(t1 - t0), ScoreJob.seconds(t2 - t1),
        0, ScoreJob.seconds(t2 - t0), totals.scoringSeconds());
    RunManifest summary = new RunManifest(runId, bundle.modelId(), bundle.fingerprint(), Redaction.path(r.model()),
        Redaction.path(r.input()), sink.displayName(), r.runDate().toString(), Instant.now().toString(),
        LsmSparkVersion.of(), ScoreJob.options(r, bundle), counts, totals.modelLoads(), totals.engines(), durations,
        counts.windowsScored() / Math.max(ScoreJob.seconds(t2 - t1), 1e-9),
        new RunManifest.Table(r.outputFormat().label(), totals.lastVersion()),
        new RunManifest.Incremental(Redaction.path(checkpoint), totals.batches()));
    String manifest = ScoreJob.writeManifest(spark, sink.runsDir(), runId, summary);
    return new ScoreJob.Result(runId, manifest, summary);
  }

  /** The input as a stream: a Delta table by its log, a folder by its new files (schema from the files there). */
  private static Dataset<Row> stream(SparkSession spark, ScoreJob.Request r) {
    String format = r.inputFormat().equals("auto") ? Corpus.detect(spark, r.input()) : r.inputFormat();
    return switch (format) {
      case "delta" -> spark.readStream().format("delta").load(r.input());
      case "parquet", "json" -> spark.readStream().schema(Corpus.load(spark, r.input(), format).schema())
          .format(format).load(r.input());
      default -> throw new IllegalArgumentException("--incremental reads a Parquet or JSON folder or a Delta table,"
          + " not " + format + " (" + Redaction.path(r.input()) + ")");
    };
  }

  /** One micro-batch: its conversations replaced by their new rows in one idempotent commit. */
  private static void scoreBatch(SparkSession spark, TableSink sink, LsmScorer scorer, ScoreJob.Request r,
      String runId, Dataset<Row> rows, long batchId, RunTotals totals) {
    Dataset<Row> arrived = rows.persist(); // read once for its conversation ids, once to score
    try {
      List<String> conversations = Corpus.turns(arrived, Redaction.path(r.input()), r.columns())
          .select(col(Corpus.CONVERSATION)).distinct().as(Encoders.STRING()).collectAsList();
      if (conversations.isEmpty()) {
        return;
      }
      String appId = "lsm-score/" + spark.sparkContext().getLocalProperty(QUERY_ID);
      Replacement rep = Replacement.ofConversations(r.runDate(), conversations.stream().sorted().toList(),
          runId + "#" + batchId, appId, batchId);
      Dataset<Row> scored = scorer.transform(arrived);
      TableCommit commit = sink.replace(ScoreJob.withRunColumns(scored, runId, r.runDate()), rep);
      PartitionScorer.Metrics m = scorer.lastMetrics();
      long written = sink.countCommitted(commit, rep, runId);
      if (!commit.skipped() && written != m.windows().value()) {
        throw new IllegalStateException("run " + runId + " batch " + batchId + " wrote " + written + " rows for "
            + m.windows().value() + " windows");
      }
      LOG.info("run {} batch {}: {} conversations, {} windows, {}", runId, batchId, conversations.size(),
          m.windows().value(), commit.skipped() ? "already committed by an earlier attempt" : "table version "
          + commit.version());
      totals.add(m, batchId, commit, written);
    } finally {
      arrived.unpersist();
    }
  }
}
