package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode_outer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.LoggerFactory;

/**
 * Reads a dialogue corpus into one row per turn, {@code conversation_id: string, turn_index:
 * int, text: string}. Parquet, JSON lines ({@code .jsonl}, {@code .json}, {@code .gz}) or CSV
 * with a header, in either layout: one row per turn, or one row per conversation with an array
 * of turns. Schema problems are reported before any work, naming the column and its type.
 */
public final class Corpus {
  public static final String CONVERSATION = "conversation_id";
  public static final String TURN_INDEX = "turn_index";
  public static final String TEXT = "text";

  /** The input's default column names, the SGD corpus's. */
  public static final String DEFAULT_CONVERSATION_COL = "dialogue_id";
  public static final String DEFAULT_TURN_INDEX_COL = "turn_index";
  public static final String DEFAULT_TEXT_COL = "text";
  public static final String DEFAULT_TURNS_COL = "turns";

  /** Column names of the input; the defaults are the SGD corpus's. */
  public record Columns(String conversation, String turnIndex, String text, String turns) {
    public static Columns defaults() {
      return new Columns(DEFAULT_CONVERSATION_COL, DEFAULT_TURN_INDEX_COL, DEFAULT_TEXT_COL, DEFAULT_TURNS_COL);
    }
  }

  private Corpus() {}

  /** The input formats {@link #load(SparkSession, String, String)} reads; {@code auto} goes by the path. */
  public static final java.util.List<String> FORMATS = java.util.List.of("auto", "parquet", "json", "csv", "delta",
      "iceberg");

  /** The raw table at {@code path}, format chosen by extension (a directory is Parquet unless it holds JSON or CSV). */
  public static Dataset<Row> load(SparkSession spark, String path) {
    return load(spark, path, "auto");
  }

  /**
   * The raw table at {@code path} in {@code format}, one of {@link #FORMATS}: a Delta table is a
   * path, an Iceberg table a path or a name in a catalog configured through Spark conf.
   */
  public static Dataset<Row> load(SparkSession spark, String path, String inputFormat) {
    if (!FORMATS.contains(inputFormat)) {
      throw new IllegalArgumentException("--input-format must be one of " + FORMATS + ", got \"" + inputFormat + "\"");
    }
    String format = inputFormat.equals("auto") ? format(spark, path) : inputFormat;
    try {
      return switch (format) {
        case "delta" -> spark.read().format("delta").load(path);
        case "iceberg" -> spark.read().format("iceberg").load(path);
        case "json" -> spark.read().json(path);
        case "csv" -> spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(path);
        default -> spark.read().parquet(path);
      };
    } catch (Exception e) { // Scala's AnalysisException is checked to javac but never declared
      if (e instanceof org.apache.spark.sql.AnalysisException a && "UNABLE_TO_INFER_SCHEMA".equals(a.getErrorClass())) {
        throw new SchemaException("input " + Redaction.path(path) + " is empty: it holds no " + format + " data");
      }
      throw e;
    }
  }

  /**
   * One row per turn, normalised names and types; validates the schema first. A conversation row
   * whose turns are null or empty stays, as one turn without a turn index, so that it is counted.
   */
  public static Dataset<Row> turns(SparkSession spark, String path, Columns columns) {
    return turns(load(spark, path), path, columns);
  }

  public static Dataset<Row> turns(Dataset<Row> raw, String source, Columns c) {
    if (CorpusSchema.check(raw.schema(), source, c) == CorpusSchema.Layout.CONVERSATIONS) {
      return raw.select(col(c.conversation()).cast("string").as(CONVERSATION), posexplode_outer(col(c.turns())))
          .select(col(CONVERSATION), col("pos").cast("int").as(TURN_INDEX), col("col").as(TEXT));
    }
    return raw.select(col(c.conversation()).cast("string").as(CONVERSATION),
        col(c.turnIndex()).cast("int").as(TURN_INDEX), col(c.text()).as(TEXT));
  }

  /**
   * The conversations' texts in order (conversation, then turn index) on the driver: for
   * training and evaluation, whose corpora fit in memory. Turns without text, conversation id or
   * turn index are left out and counted in one warning.
   */
  public static List<List<String>> dialogues(Dataset<Row> turns) {
    List<List<String>> out = new ArrayList<>();
    String current = null;
    List<String> dialogue = null;
    long withoutKey = 0;
    long withoutText = 0;
    Iterator<Row> it = turns.orderBy(CONVERSATION, TURN_INDEX).toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      if (r.isNullAt(0) || r.isNullAt(1)) {
        withoutKey++;
        continue;
      }
      if (r.isNullAt(2)) {
        withoutText++;
        continue;
      }
      String id = r.getString(0);
      if (!id.equals(current)) {
        dialogue = new ArrayList<>();
        out.add(dialogue);
        current = id;
      }
      dialogue.add(r.getString(2));
    }
    if (withoutKey + withoutText > 0) {
      LoggerFactory.getLogger(Corpus.class).warn("{} turns left out: {} without a conversation id or turn index, {}"
          + " without text", withoutKey + withoutText, withoutKey, withoutText);
    }
    return out;
  }

  /** The format {@code auto} reads {@code path} as: by extension, a Delta log, or the files in a folder. */
  public static String detect(SparkSession spark, String path) {
    return format(spark, path);
  }

  private static String format(SparkSession spark, String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith(".jsonl") || p.endsWith(".json") || p.endsWith(".jsonl.gz") || p.endsWith(".json.gz")) {
      return "json";
    }
    if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
      return "csv";
    }
    if (p.endsWith(".parquet")) {
      return "parquet";
    }
    try {
      var fsPath = new org.apache.hadoop.fs.Path(path);
      var fs = fsPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(fsPath)) {
        throw new SchemaException("input " + path + " does not exist");
      }
      if (fs.getFileStatus(fsPath).isDirectory()) {
        if (fs.exists(new org.apache.hadoop.fs.Path(fsPath, DeltaSink.LOG_DIR))) {
          return "delta"; // its folder also holds Parquet files, some of them removed from the table
        }
        for (var st : fs.listStatus(fsPath)) {
          String name = st.getPath().getName().toLowerCase(Locale.ROOT);
          if (name.startsWith("_") || name.startsWith(".")) {
            continue;
          }
          if (name.contains(".json")) {
            return "json";
          }
          if (name.contains(".csv")) {
            return "csv";
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new SchemaException("cannot read input " + path + ": " + e.getMessage());
    }
    return "parquet";
  }
}
