package org.lsmspark.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How the rows of a prediction table are read. The report and the export read only through
 * this, so a table format other than Parquet plugs in with one more implementation.
 */
@FunctionalInterface
public interface PredictionSource {
  /** Every row of the table at {@code table}, all runs and dates. */
  Dataset<Row> read(SparkSession spark, String table);

  /** The Parquet table {@code lsm score} writes, partitioned by {@code run_date}. */
  static PredictionSource parquet() {
    return (spark, table) -> spark.read().parquet(table);
  }
}
