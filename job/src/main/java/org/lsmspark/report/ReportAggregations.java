package org.lsmspark.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.ScoreSchema;

/**
 * Computes a {@link RunReport} with Spark aggregations. Every figure is a count or a sum, and
 * every list is ordered by its values, so the report does not depend on partitioning.
 */
final class ReportAggregations {
  static final List<String> GROUP_COLUMNS = List.of("service", "services", "domain");
  /** Histogram bins per unit of confidence (bins of 0.05). */
  static final int BINS_PER_UNIT = 20;
  /** Turn positions from here on share one bar. */
  static final int POSITION_CAP = 20;
  static final int FREQUENT = 15;
  static final int EXAMPLES = 6;
  static final int ERROR_EXAMPLES = 3;
  static final int CONTEXT = 3;

  private ReportAggregations() {}

  static RunReport compute(ScoringRun run, String groupColumn) {
    Dataset<Row> rows = run.rows();
    Dataset<Row> ok = rows.where(col("status").equalTo(ScoreSchema.STATUS_OK));
    Dataset<Row> judged = ok.where(col("actual_text").isNotNull())
        .withColumn("exact", coalesce(col("predicted_text").equalTo(col("actual_text")), lit(false)).cast("long"))
        .withColumn("in_top_k", coalesce(expr("exists(top_k, c -> c.text = actual_text)"), lit(false)).cast("long"));
    String group = groupColumn(rows, groupColumn, run.table());

    Map<String, Long> status = new TreeMap<>();
    for (Row r : rows.groupBy("status").count().collectAsList()) {
      status.put(r.isNullAt(0) ? "(null)" : r.getString(0), r.getLong(1));
    }
    List<RunReport.Agreement> byPosition = new ArrayList<>();
    for (Row r : agreement(judged, least(col("turn_index"), lit(POSITION_CAP)).as("key")).orderBy("key")
        .collectAsList()) {
      int k = r.getInt(0);
      byPosition.add(new RunReport.Agreement(k == POSITION_CAP ? k + "+" : String.valueOf(k), r.getLong(1),
          r.getLong(2), r.getLong(3)));
    }
    List<RunReport.Agreement> byGroup = new ArrayList<>();
    if (group != null) {
      Dataset<Row> exploded = judged.schema().apply(group).dataType() instanceof ArrayType
          ? judged.withColumn(group, explode_outer(col(group))) : judged;
      for (Row r : agreement(exploded, coalesce(col(group).cast("string"), lit("(none)")).as("key"))
          .orderBy(col("judged").desc(), col("key")).collectAsList()) {
        byGroup.add(new RunReport.Agreement(r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3)));
      }
    }
    List<RunReport.Frequent> frequent = ok.groupBy(coalesce(col("predicted_text"), lit("(null)")).as("text"))
        .count().orderBy(col("count").desc(), col("text")).limit(FREQUENT).collectAsList().stream()
        .map(r -> new RunReport.Frequent(r.getString(0), r.getLong(1))).toList();
    return new RunReport(run.manifest(), status, histogram(ok), byPosition, group, byGroup, frequent,
        examples(rows, ok));
  }

  private static Dataset<Row> agreement(Dataset<Row> judged, Column key) {
    return judged.groupBy(key).agg(count(lit(1)).as("judged"), sum("exact").as("exact"),
        sum("in_top_k").as("in_top_k"));
  }

  /** The explicit column (which must exist), else the first known service/domain column present. */
  static String groupColumn(Dataset<Row> rows, String explicit, String table) {
    Set<String> columns = Set.of(rows.columns());
    if (explicit != null) {
      if (!columns.contains(explicit)) {
        throw new IllegalArgumentException("--group-col " + explicit + ": prediction table "
            + Redaction.path(table) + " has no such column (it has " + Arrays.toString(rows.columns()) + ")");
      }
      return explicit;
    }
    for (String c : GROUP_COLUMNS) {
      DataType t = columns.contains(c) ? rows.schema().apply(c).dataType() : null;
      if (t != null && (t.equals(DataTypes.StringType)
          || t instanceof ArrayType a && a.elementType().equals(DataTypes.StringType))) {
        return c;
      }
    }
    return null;
  }

  /** Bins of width 1/BINS_PER_UNIT from the lowest confidence's bin to 1; empty bins included. */
  private static List<RunReport.Bin> histogram(Dataset<Row> ok) {
    Map<Integer, Long> counts = new HashMap<>();
    for (Row r : ok.where(col("confidence").isNotNull())
        .select(least(floor(col("confidence").cast("double").multiply(BINS_PER_UNIT)), lit(BINS_PER_UNIT - 1L))
            .cast("int").as("bin"))
        .groupBy("bin").count().collectAsList()) {
      counts.put(r.getInt(0), r.getLong(1));
    }
    List<RunReport.Bin> bins = new ArrayList<>();
    if (counts.isEmpty()) {
      return bins;
    }
    int lo = Math.min(0, counts.keySet().stream().min(Integer::compare).orElseThrow());
    for (int b = lo; b < BINS_PER_UNIT; b++) {
      bins.add(new RunReport.Bin((double) b / BINS_PER_UNIT, (double) (b + 1) / BINS_PER_UNIT,
          counts.getOrDefault(b, 0L)));
    }
    return bins;
  }

  /** A seeded-hash sample of scored rows and of errors, with the earlier turns of their conversations. */
  private static List<RunReport.Example> examples(Dataset<Row> rows, Dataset<Row> ok) {
    Column order = xxhash64(col("conversation_id"), col("turn_index"));
    List<Row> picked = new ArrayList<>(ok.orderBy(order, col("conversation_id"), col("turn_index"))
        .limit(EXAMPLES).collectAsList());
    picked.addAll(rows.where(col("status").notEqual(ScoreSchema.STATUS_OK))
        .orderBy(order, col("conversation_id"), col("turn_index")).limit(ERROR_EXAMPLES).collectAsList());
    Object[] ids = picked.stream().map(r -> r.getAs("conversation_id")).distinct().toArray();
    Map<String, Map<Integer, String>> turns = new HashMap<>();
    if (ids.length > 0) {
      for (Row r : rows.where(col("conversation_id").isin(ids))
          .select("conversation_id", "turn_index", "actual_text").collectAsList()) {
        turns.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getInt(1), r.getString(2));
      }
    }
    List<RunReport.Example> out = new ArrayList<>();
    for (Row r : picked) {
      String id = r.getAs("conversation_id");
      int t = r.<Integer>getAs("turn_index");
      Map<Integer, String> earlier = turns.getOrDefault(id, Map.of());
      List<String> context = new ArrayList<>();
      for (int i = t - CONTEXT; i < t; i++) {
        if (earlier.get(i) != null) {
          context.add(earlier.get(i));
        }
      }
      List<RunReport.Candidate> topK = new ArrayList<>();
      List<Row> candidates = r.isNullAt(r.fieldIndex("top_k")) ? List.of() : r.getList(r.fieldIndex("top_k"));
      for (Row c : candidates) {
        topK.add(new RunReport.Candidate(c.getAs("text"), c.<Float>getAs("score")));
      }
      Float confidence = r.getAs("confidence");
      out.add(new RunReport.Example(id, t, context, r.getAs("predicted_text"),
          confidence == null ? null : confidence.doubleValue(), r.getAs("actual_text"), topK, r.getAs("status"),
          r.getAs("error")));
    }
    return out;
  }
}
