package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lsmspark.spark.SparkSessions;
import org.slf4j.LoggerFactory;

class CorpusInputTest {
  @TempDir Path tmp;

  @Test
  void readingWithSparkLeavesTheCallersSessionRunning() {
    SparkSession spark = SparkSessions.create("caller", "local[1]");
    StructType schema = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);
    String corpus = tmp.resolve("turns").toString();
    spark.createDataFrame(List.of(RowFactory.create("b", 1, "bye"), RowFactory.create("a", 0, "hi"),
        RowFactory.create("b", 0, "hello"), RowFactory.create("a", 1, "there")), schema).write().parquet(corpus);

    List<List<String>> dialogues = CorpusInput.read(corpus, "lsm test", LoggerFactory.getLogger(getClass()));

    assertEquals(List.of(List.of("hi", "there"), List.of("hello", "bye")), dialogues);
    assertFalse(spark.sparkContext().isStopped(), "the caller's session was stopped");
    assertEquals(3, spark.range(3).count());
  }
}
