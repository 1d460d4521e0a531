package org.lsmspark.cli;

import org.apache.spark.sql.SparkSession;
import org.lsmspark.report.ScoringRun;
import org.lsmspark.spark.PredictionTable;
import picocli.CommandLine.Option;

/** Which run of which prediction table a reader ({@code lsm report}, {@code lsm export}) opens. */
final class PredictionTableOptions {
  @Option(names = "--predictions", required = true, description = "Prediction table: the --output of lsm score (a"
      + " folder, or an Iceberg table name).")
  String predictions;

  @Option(names = "--table-format", defaultValue = "auto", description = "Its format: " + PredictionTable.FORMATS
      + " (default: ${DEFAULT-VALUE}; auto is Delta when the folder has a _delta_log, Iceberg with --warehouse, else"
      + " Parquet).")
  String format;

  @Option(names = "--warehouse", description = "Root of the Iceberg Hadoop catalog, as for lsm score.")
  String warehouse;

  @Option(names = "--run", description = "Run id (default: the run that finished last).")
  String runId;

  ScoringRun open(SparkSession spark) {
    return ScoringRun.open(spark, PredictionTable.open(spark, format, predictions, warehouse), runId);
  }
}
