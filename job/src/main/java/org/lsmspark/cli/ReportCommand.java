package org.lsmspark.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.report.ReportFiles;
import org.lsmspark.report.RunReport;
import org.lsmspark.report.ScoringRun;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lsm report}: one self-contained HTML page of what a scoring run did. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes one self-contained HTML file (inline SVG plots, no script, nothing loaded from the network)",
      "of a scoring run: counts and status, confidence, agreement with the actual turns, the most",
      "frequent predictions, throughput, model loads, cache hit rates, phase durations and examples."
    })
final class ReportCommand implements Callable<Integer> {
  @Mixin MasterOption master;
  @Mixin PredictionTableOptions table;

  @Option(names = "--output", required = true, description = "HTML file to write.")
  String output;

  @Option(names = "--group-col", description = "Column to break agreement down by (default: service, services or"
      + " domain when the rows have one).")
  String groupColumn;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.create("lsm report", master.master);
    ScoringRun run = table.open(spark);
    RunReport r = ReportFiles.write(spark, run, groupColumn, output);
    System.err.printf("lsm report: run %s, %d rows; report in %s%n", r.manifest().runId(), r.rows(),
        Redaction.path(output));
    return 0;
  }
}
