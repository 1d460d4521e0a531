package org.lsmspark.spark;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where an Iceberg prediction table lives: {@code catalog.namespace.table} in a catalog
 * configured through Spark conf ({@code spark.sql.catalog.NAME}), or {@code namespace.table}
 * in the default Hadoop catalog {@value #DEFAULT_CATALOG} under a warehouse folder.
 */
record IcebergName(String catalog, List<String> namespace, String table) {
  static final String DEFAULT_CATALOG = "lsm";

  IcebergName {
    namespace = List.copyOf(namespace);
  }

  /**
   * {@code output} as a table name; {@code configured} tells whether a catalog is set up in
   * Spark conf. The default catalog needs {@code warehouse} unless it is configured itself.
   */
  static IcebergName resolve(String output, String warehouse, Predicate<String> configured) {
    List<String> parts = Arrays.asList(output.split("\\.", -1));
    if (parts.size() < 2 || parts.stream().anyMatch(p -> p.isBlank() || p.contains("/") || p.contains("`"))) {
      throw new IllegalArgumentException("--output \"" + output + "\" is not an Iceberg table name: use"
          + " namespace.table (in the Hadoop catalog under --warehouse) or catalog.namespace.table");
    }
    String first = parts.get(0);
    if (parts.size() >= 3 && configured.test("spark.sql.catalog." + first)) {
      return new IcebergName(first, parts.subList(1, parts.size() - 1), parts.get(parts.size() - 1));
    }
    if (warehouse == null && !configured.test("spark.sql.catalog." + DEFAULT_CATALOG)) {
      throw new IllegalArgumentException("--output-format iceberg with --output \"" + output + "\" needs --warehouse"
          + " DIR (the root of its Hadoop catalog), or a catalog configured as spark.sql.catalog." + first);
    }
    return new IcebergName(DEFAULT_CATALOG, parts.subList(0, parts.size() - 1), parts.get(parts.size() - 1));
  }

  /** The name quoted for Spark SQL. */
  String quoted() {
    StringBuilder sb = new StringBuilder("`").append(catalog).append('`');
    for (String n : namespace) {
      sb.append(".`").append(n).append('`');
    }
    return sb.append(".`").append(table).append('`').toString();
  }

  @Override
  public String toString() {
    return catalog + "." + String.join(".", namespace) + "." + table;
  }
}
