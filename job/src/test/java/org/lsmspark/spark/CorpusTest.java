package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CorpusTest {
  @Test
  void dialoguesAreInTurnOrderWithoutTurnsThatHaveNoKeyOrText() {
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);
    List<Row> rows = List.of(RowFactory.create("b", 1, "b1"), RowFactory.create("a", 2, "a2"),
        RowFactory.create(null, 0, "no conversation"), RowFactory.create("a", null, "no index"),
        RowFactory.create("a", 0, "a0"), RowFactory.create("b", 0, null), RowFactory.create("b", 2, "b2"));
    List<List<String>> dialogues = Corpus.dialogues(
        Corpus.turns(spark.createDataFrame(rows, schema), "the test's rows", Corpus.Columns.defaults()));
    assertEquals(List.of(List.of("a0", "a2"), List.of("b1", "b2")), dialogues);
  }
}
