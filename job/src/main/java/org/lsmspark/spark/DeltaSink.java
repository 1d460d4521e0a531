package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A Delta Lake table at a path. A run is one commit: {@code replaceWhere} deletes what the
 * replacement names and adds the new rows atomically, the commit's user metadata carries the
 * run's tag, and a concurrent commit touching the same rows makes the later one fail (Delta's
 * optimistic concurrency) instead of mixing them. Incremental batches are idempotent through
 * {@code txnAppId}/{@code txnVersion}: a batch replayed after a crash is skipped by Delta.
 */
final class DeltaSink implements TableSink {
  static final String LOG_DIR = "_delta_log";
  private final SparkSession spark;
  private final String output;

  DeltaSink(SparkSession spark, String output) {
    this.spark = spark;
    this.output = output;
  }

  @Override
  public TableFormat format() {
    return TableFormat.DELTA;
  }

  @Override
  public void check(boolean allowForeign) {
    Path out = new Path(output);
    try {
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(out)) {
        return;
      }
      if (fs.exists(new Path(out, LOG_DIR))) {
        // a log without a commit is what a first run killed before its commit leaves: no table yet, and
        // its data files belong to no version; this run's commit creates the table
        if (DeltaTable.isDeltaTable(spark, output)) {
          TableSchema.check(spark.read().format("delta").load(output).schema(), output);
        }
        return;
      }
      for (FileStatus st : fs.listStatus(out)) {
        String name = st.getPath().getName();
        if (!allowForeign && !name.equals(ScoreJob.RUNS_DIR) && !name.startsWith(".")) {
          throw new IllegalArgumentException("--output " + Redaction.path(output) + " is not a Delta table (no "
              + LOG_DIR + "/) and holds '" + name + "'; choose another output, or pass --allow-foreign-output");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect --output " + Redaction.path(output) + ": "
          + Redaction.text(e.getMessage()), e);
    }
  }

  @Override
  public boolean replacesConversations() {
    return true;
  }

  @Override
  public TableCommit replace(Dataset<Row> rows, Replacement r) {
    DataFrameWriter<Row> w = rows.write().format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", r.predicate())
        .option("userMetadata", r.tag())
        .partitionBy("run_date");
    if (r.txnAppId() != null) {
      w = w.option("txnAppId", r.txnAppId()).option("txnVersion", r.txnVersion());
    }
    try {
      w.save(output);
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.util.ConcurrentModificationException) { // Delta's concurrent-commit conflicts
          throw new TableConflictException("Delta", Redaction.path(output), r, t);
        }
      }
      throw e;
    }
    Long version = committedVersion(r.tag());
    if (version == null) {
      if (r.txnAppId() != null) {
        return TableCommit.alreadyCommitted();
      }
      throw new IllegalStateException("the commit of " + r.tag() + " is missing from the history of "
          + Redaction.path(output));
    }
    return TableCommit.of(version);
  }

  /** The newest version whose commit carries {@code tag}, or null. */
  Long committedVersion(String tag) {
    List<Row> rows = DeltaTable.forPath(spark, output).history()
        .where(col("userMetadata").equalTo(tag))
        .orderBy(col("version").desc())
        .select("version")
        .limit(1)
        .collectAsList();
    return rows.isEmpty() ? null : rows.get(0).getLong(0);
  }

  @Override
  public long countCommitted(TableCommit c, Replacement r, String runId) {
    if (c.skipped()) {
      return 0;
    }
    return spark.read().format("delta").option("versionAsOf", c.version()).load(output)
        .where(expr(r.predicate())).where(col("run_id").equalTo(runId)).count();
  }

  @Override
  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, output); // a log without a commit is no table yet
  }

  @Override
  public Dataset<Row> read() {
    return spark.read().format("delta").load(output);
  }

  @Override
  public Path runsDir() {
    return new Path(output, ScoreJob.RUNS_DIR); // Delta's VACUUM leaves _-prefixed folders alone
  }

  @Override
  public String displayName() {
    return Redaction.path(output);
  }
}
