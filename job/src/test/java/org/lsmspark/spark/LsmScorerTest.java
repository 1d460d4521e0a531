package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.EngineOptions;

/** The scorer's schema contract, checked without any Spark session (none is started in this JVM). */
class LsmScorerTest {
  static final StructType SGD = new StructType().add("dialogue_id", DataTypes.StringType)
      .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.StringType);

  @Test
  void theDefaultColumnsAreThoseOfTheCommandLine() {
    LsmScorer scorer = new LsmScorer();
    Corpus.Columns cli = Corpus.Columns.defaults();
    assertEquals(cli, new Corpus.Columns(scorer.getOrDefault(scorer.conversationCol()),
        scorer.getOrDefault(scorer.turnIndexCol()), scorer.getOrDefault(scorer.textCol()),
        scorer.getOrDefault(scorer.turnsCol())));
    assertEquals(ScoreSchema.SCORED, scorer.transformSchema(SGD));
  }

  @Test
  void transformSchemaNeedsNoSessionAndNamesTheBadColumn() {
    StructType wrong = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turn_index", DataTypes.IntegerType).add("text", DataTypes.DoubleType);
    SchemaException e = assertThrows(SchemaException.class, () -> new LsmScorer().transformSchema(wrong));
    assertTrue(e.getMessage().contains("column 'text'") && e.getMessage().contains("found double"), e.getMessage());
    StructType conversations = new StructType().add("dialogue_id", DataTypes.StringType)
        .add("turns", DataTypes.createArrayType(DataTypes.StringType));
    assertEquals(ScoreSchema.SCORED, new LsmScorer().transformSchema(conversations));
  }

  @Test
  void topKHasOneLimitEverywhere() {
    LsmScorer scorer = new LsmScorer();
    assertTrue((Boolean) scorer.topK().isValid().apply(EngineOptions.MAX_TOP_K));
    assertTrue(!(Boolean) scorer.topK().isValid().apply(EngineOptions.MAX_TOP_K + 1));
    for (int k : new int[] {EngineOptions.MAX_TOP_K, EngineOptions.MAX_TOP_K + 1}) {
      boolean engine = accepts(() -> EngineOptions.builder().modelLocation("m").topK(k).build());
      boolean settings = accepts(() -> new ScoreSettings(WindowMode.ALL, 1, 1, k, 0, 0, false));
      assertEquals(engine, settings, "top-k " + k + ": the engine and the job must agree");
    }
  }

  private static boolean accepts(Runnable r) {
    try {
      r.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
