package org.lsmspark.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * One prediction table written by {@code lsm score} child JVMs, with a storage hook able to
 * pause the commit ({@link FaultPoint}): the children's options, the table as a reader in the
 * test JVM sees it, and its data files.
 */
record ChildLake(String name, Path folder, List<String> jvmOptions, List<String> outputArgs, SparkSession spark) {
  static ChildLake delta(SparkSession spark, Path table) {
    return new ChildLake("Delta", table, List.of("-Dspark.delta.logStore.class=" + PausingLogStore.class.getName()),
        List.of(table.toString(), "--output-format", "delta"), spark);
  }

  /** The Iceberg table {@code preds.daily} of the Hadoop catalog under {@code warehouse}. */
  static ChildLake iceberg(SparkSession spark, Path warehouse) {
    return new ChildLake("Iceberg", warehouse.resolve("preds").resolve("daily"),
        List.of("-Dspark.hadoop.fs.file.impl=" + PausingFileSystem.class.getName(),
            "-Dspark.hadoop.fs.file.impl.disable.cache=true"),
        List.of("preds.daily", "--output-format", "iceberg", "--warehouse", warehouse.toString()), spark);
  }

  ChildRuns.Child score(Path logDir, List<String> faultOptions, String corpus, String date, String... extra) {
    // A lake child scores a few hundred windows, where compiling costs more CPU than it saves: C1 only, and
    // Spark's plans interpreted rather than compiled to Java (these tests are about commits, not operators)
    List<String> o = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-Dspark.sql.codegen.wholeStage=false",
        "-Dspark.sql.codegen.factoryMode=NO_CODEGEN"));
    o.addAll(jvmOptions);
    o.addAll(faultOptions);
    List<String> args = new ArrayList<>(outputArgs.subList(1, outputArgs.size()));
    args.addAll(List.of(extra));
    return ChildRuns.score(logDir, o, faultOptions.isEmpty(), corpus, outputArgs.get(0), date, 5,
        args.toArray(String[]::new));
  }

  /**
   * A run nothing kills, in this JVM rather than a child: the options of {@link #score}'s children
   * (window mode all, batch 8, top 5, 6 partitions, the default caches) into the same table; its run id. Set-up runs
   * only: what a test kills, or whose recovery it checks, runs in a child. A child JVM costs about
   * 30 s of CPU before it scores a window; the table it leaves is the same (the rows do not depend
   * on the JVM, and {@link KilledIncrementalRunTest} checks a child's rows against a run in this
   * JVM). For Iceberg this registers the catalog {@value IcebergName#DEFAULT_CATALOG} of the test
   * JVM with this lake's warehouse, the one its children use (another lake in the JVM is refused).
   */
  String scoreHere(String corpus, String date) {
    boolean delta = name.equals("Delta");
    String warehouse = delta ? null : outputArgs.get(outputArgs.indexOf("--warehouse") + 1);
    ScoreJob.Result r = ScoreJob.run(spark, new ScoreJob.Request(LakeRuns.MODEL, corpus, outputArgs.get(0),
        Corpus.Columns.defaults(),
        ChildRuns.settings(5),
        java.time.LocalDate.parse(date), 6, false, "auto", delta ? TableFormat.DELTA : TableFormat.ICEBERG,
        warehouse));
    return r.runId();
  }

  TableStates state() {
    return name.equals("Delta") ? TableStates.delta(spark, folder.toString())
        : TableStates.iceberg(spark, folder.toString());
  }

  /** The Parquet data files in the table's folder (not Delta checkpoints, not Iceberg metadata). */
  long dataFiles() {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("/_delta_log/")
          && !p.toString().contains("/metadata/")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
