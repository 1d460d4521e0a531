package org.lsmspark.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Turn tables for tests, written as Parquet in the SGD layout. */
final class Corpora {
  static final StructType TURNS = new StructType().add("dialogue_id", DataTypes.StringType)
      .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);

  private Corpora() {}

  /** {@code conversations} conversations of {@code turns} real turns drawn (seeded) from the golden vocabulary. */
  static String golden(SparkSession spark, Path golden, Path dir, int conversations, int turns, long seed) {
    String path = dir.toString();
    spark.createDataFrame(goldenRows(golden, "conv-", conversations, turns, seed), TURNS).repartition(4).write()
        .parquet(path);
    return path;
  }

  /** The rows of {@link #golden}, conversations named {@code prefix} and a five-digit number. */
  static List<Row> goldenRows(Path golden, String prefix, int conversations, int turns, long seed) {
    List<String> vocab = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try {
      for (String line : Files.readAllLines(golden.resolve("model/tokenizer/vocab.jsonl"))) {
        vocab.add(json.readTree(line).asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Random rng = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < conversations; c++) {
      for (int t = 0; t < turns; t++) {
        rows.add(RowFactory.create(String.format("%s%05d", prefix, c), t, vocab.get(rng.nextInt(vocab.size()))));
      }
    }
    return rows;
  }

  /** {@code rows} as one new Parquet file {@code name}.parquet in {@code landing}, appearing whole (a rename). */
  static void arrive(SparkSession spark, Path landing, String name, List<Row> rows) {
    Path staging = landing.resolveSibling(landing.getFileName() + "-staging-" + name);
    spark.createDataFrame(rows, TURNS).coalesce(1).write().parquet(staging.toString());
    try (var files = Files.list(staging)) {
      Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.createDirectories(landing);
      Files.move(part, landing.resolve(name + ".parquet"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
