package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {
  static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
  }


  @Test
  void badLinesAreReportedWithTheirNumbersAndTheRestIsIngested() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    String[] lines = {
      "{\"dialogue_id\": \"d1\", \"turn_index\": 0, \"speaker\": \"USER\", \"text\": \"Hi there\", \"services\": [\"A_1\"]}",
      "{\"dialogue_id\": \"d1\", \"turn_index\": 1, \"text\": ",
      "{\"dialogue_id\": \"d1\", \"text\": \"no index\"}",
      "{\"dialogue_id\": \"d1\", \"turn_index\": 2, \"text\": 42}",
      "[1, 2]",
      "",
      "{\"dialogue_id\": 7, \"turn_index\": 3, \"text\": \"numeric id\"}",
    };
    for (String l : lines) {
      b.write(l.getBytes(StandardCharsets.UTF_8));
      b.write('\n');
    }
    b.write("{\"dialogue_id\": \"d1\", \"turn_index\": 4, \"text\": \"bad \u00ff".getBytes(StandardCharsets.ISO_8859_1));
    b.write("\"}\n".getBytes(StandardCharsets.UTF_8));
    b.write("{\"dialogue_id\": \"d2\", \"turn_index\": 0, \"text\": \"the end\"}\n".getBytes(StandardCharsets.UTF_8));
    Path in = tmp.resolve("turns.jsonl");
    Files.write(in, b.toByteArray());
    Ingest.Result r = Ingest.run(spark, in.toString(), tmp.resolve("out").toString());
    assertEquals(9, r.read());
    assertEquals(3, r.ingested());
    assertEquals(6, r.rejected());
    String all = String.join("\n", r.examples());
    for (String expected : new String[] {"line 2: invalid JSON", "line 3: missing or invalid \"turn_index\"",
        "line 4: missing or invalid \"text\"", "line 5: not a JSON object", "line 6: empty line",
        "line 8: invalid UTF-8"}) {
      assertTrue(all.contains(expected), expected + " in\n" + all);
    }
    List<Row> rows = spark.read().parquet(tmp.resolve("out").toString()).orderBy("dialogue_id", "turn_index").collectAsList();
    assertEquals("7", rows.get(0).getString(0));
    assertEquals("Hi there", rows.get(1).getAs("text"));
    assertEquals(List.of("A_1"), rows.get(1).getList(rows.get(1).fieldIndex("services")));
    assertEquals("the end", rows.get(2).getAs("text"));
  }

  @Test
  void csvWithAHeader() throws Exception {
    Path in = tmp.resolve("turns.csv");
    Files.writeString(in, "dialogue_id,turn_index,text\nd1,0,\"Hello, world\"\nd1,x,broken index\nd1,1,\"two\nlines\"\n");
    Ingest.Result r = Ingest.run(spark, in.toString(), tmp.resolve("csv-out").toString());
    assertEquals(2, r.ingested());
    assertEquals(1, r.rejected());
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "conversation,text\nd1,hi\n");
    SchemaException e = assertThrows(SchemaException.class, () -> Ingest.run(spark, bad.toString(), tmp.resolve("x").toString()));
    assertTrue(e.getMessage().contains("column 'dialogue_id'"), e.getMessage());
  }
}
