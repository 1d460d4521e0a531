package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The pure parts of the table formats: names, predicates, schema checks; no Spark session. */
class LakeNamesTest {
  static final LocalDate DAY = LocalDate.of(2026, 11, 28);

  @Test
  void icebergNamesResolveToTheDefaultCatalogOrAConfiguredOne() {
    Set<String> conf = Set.of("spark.sql.catalog.glue");
    assertEquals(new IcebergName("lsm", List.of("preds"), "daily"), IcebergName.resolve("preds.daily", "/w", conf::contains));
    assertEquals(new IcebergName("glue", List.of("lake", "preds"), "daily"),
        IcebergName.resolve("glue.lake.preds.daily", null, conf::contains));
    // a first part that is no configured catalog is a namespace of the default catalog
    assertEquals(new IcebergName("lsm", List.of("a", "b"), "c"), IcebergName.resolve("a.b.c", "/w", conf::contains));
    assertEquals("`lsm`.`a`.`b`.`c`", IcebergName.resolve("a.b.c", "/w", conf::contains).quoted());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IcebergName.resolve("preds.daily", null,
        conf::contains)).getMessage().contains("needs --warehouse"));
    for (String bad : List.of("daily", "/lake/preds", "a..b", "a.`b`")) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> IcebergName.resolve(bad, "/w", conf::contains))
          .getMessage().contains("is not an Iceberg table name"), bad);
    }
  }

  @Test
  void replacementsNameTheirRowsAsSql() {
    assertEquals("run_date = DATE'2026-11-28'", Replacement.ofDate(DAY, "r1").predicate());
    assertEquals("conversation_id IN ('a', 'it\\'s', 'back\\\\slash')",
        Replacement.ofConversations(DAY, List.of("a", "it's", "back\\slash"), "r1#0", "app", 0).predicate());
    assertThrows(IllegalArgumentException.class, () -> Replacement.ofConversations(DAY, List.of(), "t", null, -1));
  }

  @Test
  void tableSchemasAreCheckedByNameAndTypeNotNullability() {
    TableSchema.check(TableSchema.TABLE, "t");
    StructType nullable = new StructType();
    for (var f : TableSchema.TABLE.fields()) {
      nullable = nullable.add(f.name(), f.name().equals("top_k")
          ? DataTypes.createArrayType(ScoreSchema.CANDIDATE, true) : f.dataType(), true);
    }
    TableSchema.check(nullable, "t");
    StructType missing = new StructType().add("conversation_id", DataTypes.StringType);
    assertTrue(assertThrows(SchemaException.class, () -> TableSchema.check(missing, "lake/t")).getMessage()
        .contains("column 'turn_index' is missing"));
    StructType wrong = new StructType();
    for (var f : TableSchema.TABLE.fields()) {
      wrong = wrong.add(f.name(), f.name().equals("confidence") ? DataTypes.DoubleType : f.dataType());
    }
    StructType w = wrong;
    assertTrue(assertThrows(SchemaException.class, () -> TableSchema.check(w, "t")).getMessage()
        .contains("column 'confidence' of table t must be float, found double"));
  }

  @Test
  void formatsParseByLabel() {
    assertEquals(TableFormat.DELTA, TableFormat.parse("--output-format", " Delta "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TableFormat.parse("--output-format", "orc"))
        .getMessage().contains("--output-format must be parquet, delta or iceberg, got \"orc\""));
  }
}
