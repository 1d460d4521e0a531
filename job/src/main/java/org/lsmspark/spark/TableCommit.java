package org.lsmspark.spark;

/**
 * One commit to a prediction table: the table version it created (Delta version, Iceberg
 * snapshot id; -1 for a Parquet folder, which has none), or {@code skipped} when an idempotent
 * write found its batch already committed.
 */
public record TableCommit(long version, boolean skipped) {
  public static final long NO_VERSION = -1;

  static TableCommit of(long version) {
    return new TableCommit(version, false);
  }

  static TableCommit alreadyCommitted() {
    return new TableCommit(NO_VERSION, true);
  }
}
