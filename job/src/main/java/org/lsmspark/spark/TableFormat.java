package org.lsmspark.spark;

import java.util.Locale;

/** How a prediction table (or a corpus) is stored. */
public enum TableFormat {
  /** A folder of Parquet files partitioned by {@code run_date}. */
  PARQUET,
  /** A Delta Lake table (a folder with {@code _delta_log/}). */
  DELTA,
  /** An Apache Iceberg table, named in a catalog. */
  ICEBERG;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format named {@code value}; refused naming {@code option} and the choices. */
  public static TableFormat parse(String option, String value) {
    for (TableFormat f : values()) {
      if (f.label().equals(value == null ? "" : value.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(option + " must be parquet, delta or iceberg, got \"" + value + "\"");
  }
}
