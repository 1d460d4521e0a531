package org.lsmspark.spark;

import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The columns of a prediction table (the scorer's output; the job adds {@code run_id} and {@code run_date}). */
public final class ScoreSchema {
  public static final String STATUS_OK = "ok";
  public static final String STATUS_ERROR = "error";

  public static final StructType CANDIDATE = createStructType(List.of(
      createStructField("text", StringType, false),
      createStructField("score", FloatType, false)));

  /** What {@link LsmScorer#transform} returns. */
  public static final StructType SCORED = createStructType(List.of(
      createStructField("conversation_id", StringType, false),
      createStructField("turn_index", IntegerType, false),
      createStructField("predicted_text", StringType, true),
      createStructField("confidence", FloatType, true),
      createStructField("top_k", createArrayType(CANDIDATE, false), true),
      createStructField("actual_text", StringType, true),
      createStructField("model_id", StringType, false),
      createStructField("scored_at", TimestampType, false),
      createStructField("status", StringType, false),
      createStructField("error", StringType, true)));

  private ScoreSchema() {}
}
