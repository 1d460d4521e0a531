package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A corpus ten times larger than the scoring JVM's heap scores without running out of memory. */
@Tag("fault")
class MemoryFaultTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final long HEAP_MB = 512;
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
  }


  @Test
  void aCorpusTenTimesTheHeapScoresInStreaming() throws Exception {
    // 1,100,000 turns of ~5 KB (5.5 GB of text) in 4,400 conversations of 250 turns
    long turns = 1_100_000;
    long t0 = System.nanoTime();
    String corpus = tmp.resolve("big").toString();
    // generated code for 5.5 GB of text: this JVM interprets plans (job/pom.xml), which suits small tables
    spark.conf().set("spark.sql.codegen.wholeStage", "true");
    spark.conf().set("spark.sql.codegen.factoryMode", "FALLBACK");
    // the text's bytes, the heap's unit, counted as the rows are written (a second scan read 5.5 GB again)
    Observation written = new Observation("written");
    spark.range(0, turns, 1, 8)
        .selectExpr("format_string('c%06d', id div 250) as dialogue_id", "cast(id % 250 as int) as turn_index",
            "concat(repeat(concat('please book a table for ', cast(id % 13 as string), ' people tonight '), 120),"
                + " cast(id as string)) as text")
        .observe(written, sum(octet_length(col("text"))).as("bytes"), count(lit(1)).as("rows"))
        .write().parquet(corpus);
    assertEquals(turns, (long) written.getAsJava().get("rows"), "rows written");
    long textBytes = (long) written.getAsJava().get("bytes");
    assertTrue(textBytes >= 10 * HEAP_MB << 20, "corpus text " + (textBytes >> 20) + " MiB");
    System.err.printf("MemoryFaultTest: corpus written and measured in %.1f s%n", (System.nanoTime() - t0) / 1e9);

    String out = tmp.resolve("out").toString();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + HEAP_MB + "m"));
    cmd.addAll(List.of(System.getProperty("jvm.opens").split(" ")));
    cmd.addAll(List.of("-cp", ClusterSession.classpath(), "org.lsmspark.cli.Main", "score",
        "--model", GOLDEN.resolve("model").toString(), "--input", corpus, "--output", out,
        "--master", "local[2]", "--mode", "last", "--partitions", "8", "--cache-memory", "32m"));
    Path log = tmp.resolve("score.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long started = System.nanoTime();
    int code = p.waitFor();
    System.err.printf("MemoryFaultTest: the scoring child exited after %.1f s%n", (System.nanoTime() - started) / 1e9);
    String output = Files.readString(log);
    assertEquals(0, code, output.length() > 4000 ? output.substring(output.length() - 4000) : output);
    assertTrue(!output.contains("OutOfMemoryError"), "no OutOfMemoryError");
    assertEquals(turns / 250, spark.read().parquet(out).where("status = 'ok'").count());
  }
}
