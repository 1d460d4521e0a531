package org.lsmspark.report;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.RunManifest;
import org.lsmspark.spark.PredictionTable;

/** One run of a prediction table: its manifest and its rows (those with its {@code run_id}). */
public record ScoringRun(RunManifest manifest, Dataset<Row> rows, String table) {

  /**
   * The run {@code runId} of the table, or its latest run (by the manifests' {@code finished_at})
   * when {@code runId} is null.
   */
  public static ScoringRun open(SparkSession spark, PredictionTable table, String runId) {
    Path runs = table.runsDir();
    RunManifest manifest;
    try {
      FileSystem fs = runs.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path file = runId != null ? new Path(runs, runId + ".json") : latest(fs, runs);
      if (!fs.exists(file)) {
        throw new IllegalArgumentException("run " + runId + " has no manifest " + Redaction.path(file.toString()));
      }
      manifest = RunManifest.fromJson(read(fs, file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run manifests in " + Redaction.path(runs.toString()) + ": "
          + Redaction.text(e.getMessage()), e);
    }
    Dataset<Row> all = table.rows();
    if (!Arrays.asList(all.columns()).contains("run_id")) {
      throw new IllegalArgumentException("prediction table " + table.displayName() + " has no run_id column");
    }
    return new ScoringRun(manifest, all.where(col("run_id").equalTo(manifest.runId())), table.displayName());
  }

  private static Path latest(FileSystem fs, Path runs) throws IOException {
    if (!fs.exists(runs)) {
      throw new IllegalArgumentException("no run manifests: " + Redaction.path(runs.toString())
          + " does not exist (is --predictions the --output of lsm score?)");
    }
    List<FileStatus> manifests = Arrays.stream(fs.listStatus(runs))
        .filter(s -> s.isFile() && s.getPath().getName().endsWith(".json")).toList();
    if (manifests.isEmpty()) {
      throw new IllegalArgumentException("no run manifests in " + Redaction.path(runs.toString()));
    }
    // finished_at is ISO-8601 UTC, so it orders as text; the run id breaks ties
    return manifests.stream()
        .map(s -> {
          try {
            return RunManifest.fromJson(read(fs, s.getPath()), s.getPath().toString());
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + Redaction.path(s.getPath().toString()), e);
          }
        })
        .max(Comparator.comparing(RunManifest::finishedAt).thenComparing(RunManifest::runId))
        .map(m -> new Path(runs, m.runId() + ".json"))
        .orElseThrow();
  }

  private static String read(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
