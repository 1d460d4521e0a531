package org.lsmspark.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.report.RowExport;
import org.lsmspark.report.ScoringRun;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lsm export}: a run's rows as JSON lines or CSV, for notebooks and tools without Parquet. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes one run's rows of a prediction table to one file, JSON lines or CSV (by the output's",
      "extension or --format), ordered by conversation and turn; top_k is JSON (a JSON string in CSV)."
    })
final class ExportCommand implements Callable<Integer> {
  @Mixin MasterOption master;
  @Mixin PredictionTableOptions table;

  @Option(names = "--output", required = true, description = "File to write: .jsonl or .csv.")
  String output;

  @Option(names = "--format", description = "jsonl or csv (default: from the --output extension).")
  String format;

  @Override
  public Integer call() {
    RowExport.Format f;
    try {
      f = RowExport.Format.of(format, output);
    } catch (IllegalArgumentException e) {
      throw new Main.UserException(e.getMessage());
    }
    SparkSession spark = SparkSessions.create("lsm export", master.master);
    ScoringRun run = table.open(spark);
    long n = RowExport.write(spark, run, f, output);
    System.err.printf("lsm export: run %s, %d rows in %s%n", run.manifest().runId(), n, Redaction.path(output));
    return 0;
  }
}
