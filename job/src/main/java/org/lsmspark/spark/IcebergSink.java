package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import org.apache.hadoop.fs.Path;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkCatalog;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/**
 * An Apache Iceberg table in a catalog (the Hadoop catalog {@value IcebergName#DEFAULT_CATALOG}
 * under {@code --warehouse} unless another is configured). A run is one snapshot: an overwrite
 * of its {@code run_date} partition, with the run's tag as the snapshot property
 * {@value #RUN_ID_PROPERTY}. Serializable isolation from the snapshot the run started on makes
 * a concurrent run that wrote the same date fail the later commit instead of mixing rows.
 */
final class IcebergSink implements TableSink {
  static final String RUN_ID_PROPERTY = "lsm.run-id";
  private final SparkSession spark;
  private final IcebergName name;
  private final String catalogKey; // spark.sql.catalog.NAME, the prefix of the catalog's settings

  IcebergSink(SparkSession spark, IcebergName name, String warehouse) {
    this.spark = spark;
    this.name = name;
    String key = "spark.sql.catalog." + name.catalog();
    this.catalogKey = key;
    if (name.catalog().equals(IcebergName.DEFAULT_CATALOG)) {
      if (!spark.conf().contains(key)) {
        spark.conf().set(key, SparkCatalog.class.getName());
        spark.conf().set(key + "." + CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP);
        spark.conf().set(key + "." + CatalogProperties.WAREHOUSE_LOCATION, qualified(spark, warehouse));
      } else if (warehouse != null) {
        requireSameWarehouse(spark, key, warehouse);
      }
    }
    lockHadoopCommits(spark, key);
  }

  /**
   * A session whose catalog {@value IcebergName#DEFAULT_CATALOG} is already set up (by
   * configuration, or by an earlier run in it) keeps it, so a {@code --warehouse} naming another
   * folder is refused: it would otherwise be ignored, the rows going to the configured one.
   */
  private static void requireSameWarehouse(SparkSession spark, String key, String warehouse) {
    String configured = spark.conf().get(key + "." + CatalogProperties.WAREHOUSE_LOCATION, "");
    if (configured.isEmpty() || !qualified(spark, configured).equals(qualified(spark, warehouse))) {
      throw new IllegalArgumentException("--warehouse " + Redaction.path(warehouse) + " is not the warehouse of"
          + " Iceberg catalog " + IcebergName.DEFAULT_CATALOG + " as this Spark session has it ("
          + (configured.isEmpty() ? "none: " + spark.conf().get(key) : Redaction.path(configured))
          + "); leave --warehouse out to use that one, or use a new session");
    }
  }

  /**
   * A Hadoop catalog (ours or an operator's) commits under {@link FileLockManager}, which locks
   * local tables across JVMs and leaves other file systems to Iceberg's default; an operator's
   * own {@code lock-impl} wins. The lock tells local tables by their scheme, so a warehouse given
   * without one gets it. Takes effect if the session has not used the catalog yet ({@link #check}
   * refuses one it used before).
   */
  static void lockHadoopCommits(SparkSession spark, String key) {
    RuntimeConfig conf = spark.conf();
    String lock = key + "." + CatalogProperties.LOCK_IMPL;
    boolean hadoop = CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP.equalsIgnoreCase(
        conf.get(key + "." + CatalogUtil.ICEBERG_CATALOG_TYPE, ""))
        || HadoopCatalog.class.getName().equals(conf.get(key + "." + CatalogProperties.CATALOG_IMPL, ""));
    if (!hadoop || conf.contains(lock)) {
      return;
    }
    conf.set(lock, FileLockManager.class.getName());
    String warehouseKey = key + "." + CatalogProperties.WAREHOUSE_LOCATION;
    String warehouse = conf.get(warehouseKey, "");
    if (!warehouse.isEmpty() && new Path(warehouse).toUri().getScheme() == null) {
      conf.set(warehouseKey, qualified(spark, warehouse));
    }
  }

  /** {@code folder} with its scheme ({@code file:/...} when local): {@link FileLockManager} tells local tables by it. */
  static String qualified(SparkSession spark, String folder) {
    Path p = new Path(folder);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public TableFormat format() {
    return TableFormat.ICEBERG;
  }

  @Override
  public void check(boolean allowForeign) {
    boolean exists = spark.catalog().tableExists(name.quoted()); // loads the catalog
    requireCommitLock(spark.conf(), catalogKey, name.catalog());
    if (exists && !allowForeign) {
      TableSchema.check(spark.table(name.quoted()).schema(), name.toString());
    }
  }

  /**
   * Refuses a local catalog meant to commit under {@link FileLockManager} that the session had
   * built before the lock was set: its commits would exclude this JVM's runs only.
   */
  static void requireCommitLock(RuntimeConfig conf, String key, String catalog) {
    String warehouse = conf.get(key + "." + CatalogProperties.WAREHOUSE_LOCATION, "");
    if (FileLockManager.class.getName().equals(conf.get(key + "." + CatalogProperties.LOCK_IMPL, ""))
        && !warehouse.isEmpty() && FileLockManager.isLocal(warehouse) && !FileLockManager.locksCatalogOf(warehouse)) {
      throw new IllegalArgumentException("Iceberg catalog " + catalog + " was used in this Spark session before "
          + key + "." + CatalogProperties.LOCK_IMPL + "=" + FileLockManager.class.getName() + " was set, so its"
          + " commits would not exclude runs in other JVMs; set it where the catalog is configured, or use a new session");
    }
  }

  @Override
  public boolean replacesConversations() {
    return false; // overwrite by filter drops whole files only: conversations share files
  }

  @Override
  public TableCommit replace(Dataset<Row> rows, Replacement r) {
    if (!r.wholeDate()) {
      throw new IllegalArgumentException("an Iceberg table replaces whole dates only; use --output-format delta");
    }
    String ns = "`" + name.catalog() + "`." + String.join(".", name.namespace().stream().map(n -> "`" + n + "`")
        .toList());
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns);
    spark.sql("CREATE TABLE IF NOT EXISTS " + name.quoted() + " (" + TableSchema.ddl() + ") USING iceberg"
        + " PARTITIONED BY (run_date)");
    Snapshot start = table().currentSnapshot();
    var w = rows.writeTo(name.quoted())
        .option("snapshot-property." + RUN_ID_PROPERTY, r.tag())
        .option("isolation-level", "serializable");
    if (start != null) {
      w = w.option("validate-from-snapshot-id", String.valueOf(start.snapshotId()));
    }
    try {
      w.overwrite(expr(r.predicate()));
    } catch (Exception e) { // NoSuchTableException is checked to javac
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ValidationException || t instanceof CommitFailedException) {
          throw new TableConflictException("Iceberg", name.toString(), r, t);
        }
      }
      throw new IllegalStateException("cannot commit to Iceberg table " + name + ": " + e.getMessage(), e);
    }
    return committed(table().snapshots(), r, name.toString());
  }

  /**
   * The snapshot tagged with {@code r}'s tag. When the write returned but no snapshot carries the
   * tag, another run's commit replaced it (a Hadoop catalog commits by check-then-rename): the
   * same conflict as a refused commit, and none of this run's rows are in the table.
   */
  static TableCommit committed(Iterable<Snapshot> snapshots, Replacement r, String table) {
    for (Snapshot s : snapshots) {
      if (r.tag().equals(s.summary().get(RUN_ID_PROPERTY))) {
        return TableCommit.of(s.snapshotId());
      }
    }
    throw new TableConflictException("Iceberg", table, r, new IllegalStateException(
        "the snapshot of " + r.tag() + " is missing from Iceberg table " + table + " after its commit"));
  }

  private Table table() {
    try {
      Table t = Spark3Util.loadIcebergTable(spark, name.quoted());
      t.refresh();
      return t;
    } catch (Exception e) { // ParseException, NoSuchTableException: checked to javac
      throw new IllegalStateException("cannot load Iceberg table " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long countCommitted(TableCommit c, Replacement r, String runId) {
    return spark.sql("SELECT * FROM " + name.quoted() + " VERSION AS OF " + c.version())
        .where(expr(r.predicate())).where(col("run_id").equalTo(runId)).count();
  }

  @Override
  public boolean exists() {
    return spark.catalog().tableExists(name.quoted());
  }

  @Override
  public Dataset<Row> read() {
    return spark.table(name.quoted());
  }

  @Override
  public Path runsDir() {
    return new Path(table().location(), ScoreJob.RUNS_DIR); // Iceberg's orphan-file removal skips _-prefixed names
  }

  @Override
  public String displayName() {
    return name.toString();
  }
}
