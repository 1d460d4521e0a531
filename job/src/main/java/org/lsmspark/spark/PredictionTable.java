package org.lsmspark.spark;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A prediction table as its readers (report, export) see it: its rows at the latest version and
 * the folder of its runs' manifests, whatever the table format.
 */
public final class PredictionTable {
  /** The values of {@code --table-format}: {@code auto} is Delta when the folder has a Delta log, else Parquet. */
  public static final String FORMATS = "auto, parquet, delta or iceberg";

  private final TableSink sink;

  private PredictionTable(TableSink sink) {
    this.sink = sink;
  }

  /**
   * The table {@code table} (a folder, or an Iceberg name) in {@code format}; {@code warehouse}
   * is the Iceberg Hadoop catalog's root, as for {@code lsm score}.
   */
  public static PredictionTable open(SparkSession spark, String format, String table, String warehouse) {
    TableFormat f = format == null || format.equals("auto") ? detect(spark, table, warehouse)
        : TableFormat.parse("--table-format", format);
    if (warehouse != null && f != TableFormat.ICEBERG) {
      throw new IllegalArgumentException("--warehouse applies to Iceberg tables only");
    }
    TableSink sink = TableSink.open(spark, f, table, warehouse);
    if (!sink.exists()) {
      throw new IllegalArgumentException("no " + f.label() + " prediction table " + sink.displayName()
          + " (is it the --output of lsm score?)");
    }
    return new PredictionTable(sink);
  }

  private static TableFormat detect(SparkSession spark, String table, String warehouse) {
    if (warehouse != null) {
      return TableFormat.ICEBERG;
    }
    return OutputTable.exists(spark, new Path(table, DeltaSink.LOG_DIR).toString()) ? TableFormat.DELTA
        : TableFormat.PARQUET;
  }

  public TableFormat format() {
    return sink.format();
  }

  /** Every row, all runs and dates, at the table's latest version. */
  public Dataset<Row> rows() {
    return sink.read();
  }

  /** The folder of the runs' manifests ({@code _runs/} in the table's folder or location). */
  public Path runsDir() {
    return sink.runsDir();
  }

  /** What messages call the table: its path or its catalog name. */
  public String displayName() {
    return sink.displayName();
  }
}
