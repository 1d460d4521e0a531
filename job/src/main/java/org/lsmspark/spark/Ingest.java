package org.lsmspark.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Dialogue turns from JSON lines or CSV into Parquet, in the SGD layout ({@code dialogue_id,
 * turn_index, speaker, text, services}). A line that is not valid UTF-8 or JSON, or lacks a
 * required field, is rejected with its line number; the rest is ingested.
 */
public final class Ingest {
  public static final StructType TURNS = new StructType()
      .add("dialogue_id", DataTypes.StringType, false)
      .add("turn_index", DataTypes.IntegerType, false)
      .add("speaker", DataTypes.StringType, true)
      .add("text", DataTypes.StringType, false)
      .add("services", DataTypes.createArrayType(DataTypes.StringType, false), true);

  /** Counts, and the first rejected lines with their reasons. */
  public record Result(long read, long ingested, long rejected, List<String> examples) {}

  private static final int EXAMPLES = 20;

  private Ingest() {}

  public static Result run(SparkSession spark, String input, String output) {
    String lower = input.toLowerCase(Locale.ROOT);
    Dataset<Row> parsed;
    Dataset<Row> rejected;
    if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
      Dataset<Row> raw = Corpus.load(spark, input);
      for (String c : new String[] {"dialogue_id", "turn_index", "text"}) {
        if (!List.of(raw.columns()).contains(c)) {
          throw new SchemaException("column '" + c + "' is missing from " + input + "; its columns are "
              + List.of(raw.columns()));
        }
      }
      Dataset<Row> typed = raw.selectExpr("dialogue_id", "try_cast(turn_index as int) as turn_index",
          List.of(raw.columns()).contains("speaker") ? "speaker" : "cast(null as string) as speaker", "text",
          "cast(null as array<string>) as services");
      String ok = "dialogue_id is not null and turn_index is not null and text is not null";
      parsed = typed.where(ok);
      rejected = typed.where("not (" + ok + ")")
          .selectExpr("concat('record with dialogue_id ', coalesce(dialogue_id, 'null'), "
              + "': missing or invalid dialogue_id, turn_index or text') as reason");
    } else {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      JavaRDD<Tuple2<Long, String[]>> lines = jsc
          .newAPIHadoopFile(input, TextInputFormat.class, LongWritable.class, Text.class, jsc.hadoopConfiguration())
          .values()
          .map(t -> validUtf8(t.copyBytes()))
          .zipWithIndex()
          .map(t -> new Tuple2<>(t._2() + 1, t._1()));
      JavaRDD<Row> all = lines.mapPartitions(Ingest::parse);
      Dataset<Row> rows = spark.createDataFrame(all, new StructType()
          .add("turn", TURNS, true).add("reason", DataTypes.StringType, true));
      rows = rows.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      parsed = rows.where("reason is null").select("turn.*");
      rejected = rows.where("reason is not null").select("reason");
    }
    parsed.write().mode(SaveMode.ErrorIfExists).parquet(output);
    long ingested = spark.read().parquet(output).count();
    long bad = rejected.count();
    List<String> examples = new ArrayList<>();
    for (Row r : rejected.limit(EXAMPLES).collectAsList()) {
      examples.add(r.getString(0));
    }
    return new Result(ingested + bad, ingested, bad, examples);
  }

  /** The line as text, or null when it is not valid UTF-8 (the bytes are kept out of the row). */
  private static String[] validUtf8(byte[] bytes) {
    try {
      return new String[] {StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString()};
    } catch (CharacterCodingException e) {
      return new String[] {null};
    }
  }

  private static Iterator<Row> parse(Iterator<Tuple2<Long, String[]>> lines) {
    ObjectMapper json = new ObjectMapper();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return lines.hasNext();
      }

      @Override
      public Row next() {
        Tuple2<Long, String[]> l = lines.next();
        String problem = null;
        Row turn = null;
        String text = l._2()[0];
        if (text == null) {
          problem = "invalid UTF-8";
        } else if (text.isBlank()) {
          problem = "empty line";
        } else {
          try {
            JsonNode n = json.readTree(text);
            problem = n == null || !n.isObject() ? "not a JSON object" : missing(n);
            if (problem == null) {
              turn = turn(n);
            }
          } catch (java.io.IOException e) {
            problem = "invalid JSON";
          }
        }
        return RowFactory.create(turn, problem == null ? null : "line " + l._1() + ": " + problem);
      }
    };
  }

  private static Row turn(JsonNode n) {
    List<String> services = null;
    if (n.hasNonNull("services") && n.get("services").isArray()) {
      services = new ArrayList<>();
      for (JsonNode s : n.get("services")) {
        services.add(s.asText());
      }
    }
    return RowFactory.create(n.get("dialogue_id").asText(), n.get("turn_index").asInt(),
        n.hasNonNull("speaker") ? n.get("speaker").asText() : null, n.get("text").asText(),
        services == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(services).toSeq());
  }

  private static String missing(JsonNode n) {
    JsonNode id = n.get("dialogue_id");
    if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
      return "missing or invalid \"dialogue_id\"";
    }
    JsonNode idx = n.get("turn_index");
    if (idx == null || !idx.isIntegralNumber() || !idx.canConvertToInt() || idx.asInt() < 0) {
      return "missing or invalid \"turn_index\" (a non-negative integer)";
    }
    JsonNode text = n.get("text");
    if (text == null || !text.isTextual()) {
      return "missing or invalid \"text\" (a string)";
    }
    return null;
  }
}
