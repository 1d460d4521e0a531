package org.lsmspark.spark;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A prediction table in one storage format: checked before a run, replaced in one commit, read
 * back at the committed version. The rows given are the scored rows plus {@code run_id} and
 * {@code run_date}; the table is partitioned by {@code run_date}.
 */
interface TableSink {
  TableFormat format();

  /** Refuses, before any work, an output that is not (or cannot become) a prediction table. */
  void check(boolean allowForeign);

  /** Whether this format can replace conversations (incremental runs), not just whole dates. */
  boolean replacesConversations();

  /** Replaces what {@code r} names with {@code rows} in one atomic commit tagged with {@code r.tag()}. */
  TableCommit replace(Dataset<Row> rows, Replacement r);

  /** The rows of {@code r} carrying {@code runId}, read at the version {@code c} committed. */
  long countCommitted(TableCommit c, Replacement r, String runId);

  /** Whether the table exists (has been written or created). */
  boolean exists();

  /** Every row of the table at its latest version, all runs and dates. */
  Dataset<Row> read();

  /** Where run manifests go: {@code _runs/} in the table's folder, a name table maintenance skips. */
  Path runsDir();

  /** What the manifest and the console call this table. */
  String displayName();

  static TableSink open(SparkSession spark, TableFormat format, String output, String warehouse) {
    return switch (format) {
      case PARQUET -> new ParquetSink(spark, output);
      case DELTA -> new DeltaSink(spark, output);
      case ICEBERG -> new IcebergSink(spark, IcebergName.resolve(output, warehouse, spark.conf()::contains), warehouse);
    };
  }
}
