package org.lsmspark.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Guards the output: a scoring run writes only into an empty directory or an existing prediction table. */
final class OutputTable {
  private OutputTable() {}

  /**
   * Refuses an output that holds anything but {@code run_date=...} partitions, {@code _runs/}
   * and Spark's own bookkeeping files, unless {@code allowForeign}.
   */
  static void check(SparkSession spark, String output, boolean allowForeign) {
    Path out = new Path(output);
    try {
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(out)) {
        return;
      }
      if (!fs.getFileStatus(out).isDirectory()) {
        throw new IllegalArgumentException("--output " + Redaction.path(output) + " is a file, not a prediction table");
      }
      for (FileStatus st : fs.listStatus(out)) {
        String name = st.getPath().getName();
        boolean ours = st.isDirectory()
            ? name.startsWith("run_date=") || name.equals(ScoreJob.RUNS_DIR) || name.startsWith(".spark-staging")
              || name.equals("_temporary")
            : name.equals("_SUCCESS") || name.startsWith(".") || name.startsWith("_");
        if (!ours && !allowForeign) {
          throw new IllegalArgumentException("--output " + Redaction.path(output) + " holds '" + name
              + "', which is not part of an lsm prediction table (run_date=... partitions and _runs/); choose"
              + " another output, or pass --allow-foreign-output to write beside it");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect --output " + Redaction.path(output) + ": "
          + Redaction.text(e.getMessage()), e);
    }
  }

  /** Whether {@code path} exists on its file system. */
  static boolean exists(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + Redaction.path(path) + ": " + Redaction.text(e.getMessage()), e);
    }
  }
}
