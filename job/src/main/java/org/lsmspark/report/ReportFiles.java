package org.lsmspark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.PredictionTable;

/** Writes a run's report: to a path the user names, or beside the run's manifest. */
public final class ReportFiles {
  private ReportFiles() {}

  /** The report's path beside the run's manifest: {@code _runs/RUN_ID.html} in the table's folder or location. */
  public static String besideManifest(PredictionTable table, String runId) {
    return new Path(table.runsDir(), runId + ".html").toString();
  }

  /**
   * The file system of {@code p}; on the local one without its checksum layer, which would leave a
   * hidden {@code .crc} file beside a file meant for people and notebooks.
   */
  static FileSystem fileSystem(SparkSession spark, Path p) throws IOException {
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  /** Computes the report of a run and writes it to {@code target} (any Hadoop file system), replacing it. */
  public static RunReport write(SparkSession spark, ScoringRun run, String groupColumn, String target) {
    RunReport report = RunReport.of(run, groupColumn);
    Path p = new Path(target);
    try {
      FileSystem fs = ReportFiles.fileSystem(spark, p);
      try (OutputStream out = fs.create(p, true)) {
        out.write(HtmlReport.render(report).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report " + Redaction.path(target) + ": "
          + Redaction.text(e.getMessage()), e);
    }
    return report;
  }
}
