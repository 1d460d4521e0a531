package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A folder of Parquet files partitioned by {@code run_date}: a run replaces its date by dynamic
 * partition overwrite (Spark stages the files and moves the partition in at the end). There is
 * no history: the commit has no version, and conversations cannot be replaced one by one.
 */
final class ParquetSink implements TableSink {
  private final SparkSession spark;
  private final String output;

  ParquetSink(SparkSession spark, String output) {
    this.spark = spark;
    this.output = output;
  }

  @Override
  public TableFormat format() {
    return TableFormat.PARQUET;
  }

  @Override
  public void check(boolean allowForeign) {
    OutputTable.check(spark, output, allowForeign);
  }

  @Override
  public boolean replacesConversations() {
    return false;
  }

  @Override
  public TableCommit replace(Dataset<Row> rows, Replacement r) {
    if (!r.wholeDate()) {
      throw new IllegalArgumentException("a Parquet folder replaces whole dates only; use --output-format delta");
    }
    rows.write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy("run_date")
        .parquet(output);
    return TableCommit.of(TableCommit.NO_VERSION);
  }

  @Override
  public long countCommitted(TableCommit c, Replacement r, String runId) {
    Path partition = new Path(output, "run_date=" + r.runDate());
    try {
      if (!partition.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(partition)) {
        return 0; // a run that scored nothing writes no partition
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back " + Redaction.path(partition.toString()), e);
    }
    // the table's schema is known: no job to infer it from the files' footers
    return spark.read().schema(TableSchema.TABLE).option("basePath", output).parquet(partition.toString())
        .where(col("run_id").equalTo(runId)).count();
  }

  @Override
  public boolean exists() {
    return OutputTable.exists(spark, output);
  }

  @Override
  public Dataset<Row> read() {
    return spark.read().parquet(output);
  }

  @Override
  public Path runsDir() {
    return new Path(output, ScoreJob.RUNS_DIR);
  }

  @Override
  public String displayName() {
    return Redaction.path(output);
  }
}
