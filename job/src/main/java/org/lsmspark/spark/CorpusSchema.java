package org.lsmspark.spark;

import java.util.Arrays;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The checks of a corpus table's schema, pure functions of its {@link StructType} (as Spark
 * MLlib's {@code SchemaUtils}), so that a schema is validated without a session or any data.
 */
final class CorpusSchema {
  /** How the table holds turns: one row per turn, or one row per conversation with an array of turns. */
  enum Layout { TURNS, CONVERSATIONS }

  private CorpusSchema() {}

  /** The table's layout; a missing column or a wrong type is refused naming the column, the source and the type. */
  static Layout check(StructType schema, String source, Corpus.Columns c) {
    if (schema.fields().length == 0) {
      throw new SchemaException("input " + Redaction.path(source) + " is empty: it has no rows from which to read columns");
    }
    requireColumn(schema, c.conversation(), source, "the conversation id", DataTypes.StringType,
        DataTypes.IntegerType, DataTypes.LongType);
    if (has(schema, c.turns()) && !has(schema, c.text())) {
      DataType t = schema.apply(c.turns()).dataType();
      if (!(t instanceof ArrayType a) || !a.elementType().equals(DataTypes.StringType)) {
        throw new SchemaException("column '" + c.turns() + "' of " + source + " must be array<string> (the turns of a"
            + " conversation), found " + t.simpleString());
      }
      return Layout.CONVERSATIONS;
    }
    requireColumn(schema, c.turnIndex(), source, "the turn index", DataTypes.IntegerType, DataTypes.LongType,
        DataTypes.ShortType, DataTypes.StringType);
    requireColumn(schema, c.text(), source, "the turn text", DataTypes.StringType);
    return Layout.TURNS;
  }

  private static boolean has(StructType schema, String name) {
    return Arrays.asList(schema.fieldNames()).contains(name);
  }

  private static void requireColumn(StructType schema, String name, String source, String what, DataType... allowed) {
    if (!has(schema, name)) {
      throw new SchemaException("column '" + name + "' (" + what + ") is missing from " + source
          + "; its columns are " + Arrays.toString(schema.fieldNames()));
    }
    StructField f = schema.apply(name);
    for (DataType t : allowed) {
      if (f.dataType().equals(t)) {
        return;
      }
    }
    StringBuilder types = new StringBuilder();
    for (DataType t : allowed) {
      types.append(types.length() == 0 ? "" : " or ").append(t.simpleString());
    }
    throw new SchemaException("column '" + name + "' (" + what + ") of " + source + " must be " + types
        + ", found " + f.dataType().simpleString());
  }
}
