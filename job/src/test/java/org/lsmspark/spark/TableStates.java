package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.delta.tables.DeltaTable;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a reader of a prediction table sees, read from outside the runs that write it: the
 * current version, the history (each commit with its run tag) and the rows at that version.
 */
record TableStates(String table, long version, List<String> history, Map<String, String> rows) {
  static final long NO_VERSION = -1;

  /** A Delta table by its folder; no table yet is version -1 with no rows. */
  static TableStates delta(SparkSession spark, String path) {
    org.apache.spark.sql.delta.DeltaLog.clearCache(); // isDeltaTable trusts a cached log: other JVMs wrote it
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return new TableStates(path, NO_VERSION, List.of(), Map.of());
    }
    List<String> history = new ArrayList<>();
    long version = NO_VERSION;
    for (Row r : DeltaTable.forPath(spark, path).history().orderBy("version").select("version", "userMetadata")
        .collectAsList()) {
      history.add(r.getLong(0) + ":" + r.getString(1));
      version = r.getLong(0);
    }
    long at = version;
    return new TableStates(path, version, history, rows(path, version,
        () -> LakeRuns.rows(spark.read().format("delta").option("versionAsOf", at).load(path))));
  }

  /** An Iceberg table of the Hadoop catalog by its location; no snapshot yet is version -1 with no rows. */
  static TableStates iceberg(SparkSession spark, String location) {
    if (!new File(location, "metadata").isDirectory()) {
      return new TableStates(location, NO_VERSION, List.of(), Map.of());
    }
    // a path read goes through Iceberg's catalog default_iceberg, a Hive catalog unless configured: make it Hadoop
    String catalog = "spark.sql.catalog.default_iceberg";
    if (!spark.conf().contains(catalog)) {
      spark.conf().set(catalog, "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set(catalog + ".type", "hadoop");
      spark.conf().set(catalog + ".warehouse", new File(location).getParent());
    }
    Table t = new HadoopTables(spark.sparkContext().hadoopConfiguration()).load(location);
    List<String> history = new ArrayList<>();
    for (Snapshot s : t.snapshots()) {
      history.add(s.snapshotId() + ":" + s.summary().get(IcebergSink.RUN_ID_PROPERTY));
    }
    Snapshot current = t.currentSnapshot();
    long version = current == null ? NO_VERSION : current.snapshotId();
    return new TableStates(location, version, history, rows(location, version, () -> current == null ? Map.of()
        : LakeRuns.rows(spark.read().format("iceberg").option("snapshot-id", version).load(location))));
  }

  private static Map<String, String> rows(String table, long version,
      java.util.function.Supplier<Map<String, String>> read) {
    try {
      return read.get();
    } catch (AssertionError e) {
      throw new AssertionError("table " + table + " at version " + version + ": " + e.getMessage(), e);
    }
  }

  /** The run tag of the current version, or null. */
  String currentTag() {
    return history.isEmpty() ? null : history.get(history.size() - 1).substring(history.get(history.size() - 1)
        .indexOf(':') + 1);
  }

  Set<String> runIds() {
    Set<String> ids = new TreeSet<>();
    rows.values().forEach(v -> ids.add(v.substring(0, v.indexOf('|'))));
    return ids;
  }

  /**
   * This state is {@code before}, unchanged, or one commit more that holds every key of
   * {@code keys} exactly once, all from the run that commit names; never anything in between.
   * Returns whether it is the new version.
   */
  boolean assertOldOrCompleteNew(TableStates before, Set<String> keys, String what) {
    if (version == before.version) {
      assertEquals(before.history, history, what + ": table " + table + " kept version " + version
          + " but its history changed");
      assertEquals(before.rows, rows, what + ": table " + table + " kept version " + version
          + " but its rows changed");
      return false;
    }
    assertEquals(before.history.size() + 1, history.size(), what + ": table " + table + " went from version "
        + before.version + " to " + version + ", expected one new commit; history " + before.history + " -> "
        + history);
    assertEquals(before.history, history.subList(0, before.history.size()), what + ": table " + table
        + " rewrote its history");
    assertComplete(currentTag(), keys, what);
    return true;
  }

  /** Every key of {@code keys} once (rows() fails on a duplicate), and every row from run {@code runId}. */
  void assertComplete(String runId, Set<String> keys, String what) {
    Set<String> missing = new TreeSet<>(keys);
    missing.removeAll(rows.keySet());
    Set<String> extra = new TreeSet<>(rows.keySet());
    extra.removeAll(keys);
    assertEquals(Set.of(), missing, what + ": table " + table + " version " + version + " lacks " + missing.size()
        + " of " + keys.size() + " rows");
    assertEquals(Set.of(), extra, what + ": table " + table + " version " + version + " has rows no run wrote");
    assertEquals(Set.of(runId), runIds(), what + ": table " + table + " version " + version
        + " mixes the rows of runs (commit tag " + runId + ")");
  }
}
