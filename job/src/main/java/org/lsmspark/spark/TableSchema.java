package org.lsmspark.spark;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a prediction table, whatever its format, and the check that an existing
 * table has them: a pure function of the schemas, so a table is checked before any scoring.
 */
final class TableSchema {
  /** The scorer's columns plus {@code run_id} and the partition column {@code run_date}. */
  static final StructType TABLE = ScoreSchema.SCORED.add("run_id", StringType, false).add("run_date", DateType, true);

  private TableSchema() {}

  /** Refuses {@code existing} unless it has every column of {@link #TABLE} with its type (nullability aside). */
  static void check(StructType existing, String table) {
    Map<String, DataType> have = new TreeMap<>();
    for (StructField f : existing.fields()) {
      have.put(f.name(), f.dataType());
    }
    for (StructField f : TABLE.fields()) {
      DataType t = have.get(f.name());
      if (t == null) {
        throw new SchemaException("table " + Redaction.path(table) + " is not an lsm prediction table: column '"
            + f.name() + "' is missing; its columns are " + Arrays.toString(existing.fieldNames()));
      }
      if (!sameType(t, f.dataType())) {
        throw new SchemaException("column '" + f.name() + "' of table " + Redaction.path(table) + " must be "
            + f.dataType().simpleString() + ", found " + t.simpleString());
      }
    }
  }

  /** Types equal up to nullability, which table formats record differently. */
  static boolean sameType(DataType a, DataType b) {
    if (a instanceof ArrayType x && b instanceof ArrayType y) {
      return sameType(x.elementType(), y.elementType());
    }
    if (a instanceof StructType x && b instanceof StructType y) {
      if (x.fields().length != y.fields().length) {
        return false;
      }
      for (int i = 0; i < x.fields().length; i++) {
        if (!x.fields()[i].name().equals(y.fields()[i].name())
            || !sameType(x.fields()[i].dataType(), y.fields()[i].dataType())) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Column definitions for a {@code CREATE TABLE}: top-level columns nullable, nested types as the scorer's. */
  static String ddl() {
    StringBuilder sb = new StringBuilder();
    for (StructField f : TABLE.fields()) {
      sb.append(sb.length() == 0 ? "" : ", ").append('`').append(f.name()).append("` ").append(f.dataType().sql());
    }
    return sb.toString();
  }
}
