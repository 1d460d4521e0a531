package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Schema checks on bare schemas: no session, no data. */
class CorpusSchemaTest {
  static final Corpus.Columns SGD = Corpus.Columns.defaults();

  static String refused(StructType schema) {
    return assertThrows(SchemaException.class, () -> CorpusSchema.check(schema, "corpus.parquet", SGD)).getMessage();
  }

  @Test
  void bothLayoutsAreRecognised() {
    assertEquals(CorpusSchema.Layout.TURNS, CorpusSchema.check(new StructType().add("dialogue_id", DataTypes.LongType)
        .add("turn_index", DataTypes.StringType).add("text", DataTypes.StringType), "x", SGD));
    assertEquals(CorpusSchema.Layout.CONVERSATIONS, CorpusSchema.check(new StructType()
        .add("dialogue_id", DataTypes.StringType).add("turns", DataTypes.createArrayType(DataTypes.StringType)), "x",
        SGD));
    // with both a text column and a turns column, the table is read one row per turn
    assertEquals(CorpusSchema.Layout.TURNS, CorpusSchema.check(new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType)
        .add("turns", DataTypes.createArrayType(DataTypes.StringType)), "x", SGD));
  }

  @Test
  void aMissingOrMistypedColumnIsNamedWithItsSource() {
    String m = refused(new StructType().add("dialogue_id", DataTypes.StringType).add("text", DataTypes.StringType));
    assertTrue(m.contains("column 'turn_index' (the turn index) is missing from corpus.parquet")
        && m.contains("[dialogue_id, text]"), m);
    m = refused(new StructType().add("dialogue_id", DataTypes.DoubleType));
    assertTrue(m.contains("column 'dialogue_id' (the conversation id) of corpus.parquet must be string or int or bigint,"
        + " found double"), m);
    m = refused(new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turns", DataTypes.createArrayType(DataTypes.IntegerType)));
    assertTrue(m.contains("column 'turns' of corpus.parquet must be array<string>") && m.contains("found array<int>"), m);
    m = refused(new StructType());
    assertTrue(m.contains("corpus.parquet is empty"), m);
  }
}
