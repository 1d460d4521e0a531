package org.lsmspark.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.spark.Ingest;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lsm ingest}: dialogue turns from JSON lines or CSV into Parquet. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Converts dialogue turns (JSON lines, .jsonl or .jsonl.gz, or CSV with a header) into Parquet",
      "with columns dialogue_id, turn_index, speaker, text, services. Rejected lines are reported",
      "with their numbers and counted; the rest is ingested. Exits 1 when any line was rejected."
    })
final class IngestCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "Turns: FILE.jsonl[.gz] or FILE.csv (any Hadoop path).")
  String input;

  @Option(names = "--output", required = true, description = "Parquet directory to create (must not exist).")
  String output;

  @Option(names = "--master", defaultValue = "local[*]", description = "Spark master when not under spark-submit (default: ${DEFAULT-VALUE}).")
  String master;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    SparkSession spark = SparkSessions.create("lsm ingest", master);
    Ingest.Result r = Ingest.run(spark, input, output);
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (String e : r.examples()) {
      System.err.println("lsm ingest: rejected " + e);
    }
    if (r.rejected() > r.examples().size()) {
      System.err.printf("lsm ingest: ... and %d more rejected lines%n", r.rejected() - r.examples().size());
    }
    System.err.printf("lsm ingest: %d lines read, %d turns ingested, %d rejected, in %.1f s -> %s%n",
        r.read(), r.ingested(), r.rejected(), seconds, Redaction.path(output));
    return r.rejected() > 0 ? 1 : 0;
  }
}
