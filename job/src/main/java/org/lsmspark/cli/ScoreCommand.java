package org.lsmspark.cli;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.spark.Corpus;
import org.lsmspark.spark.IncrementalScoreJob;
import org.lsmspark.report.ReportFiles;
import org.lsmspark.report.ScoringRun;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.PredictionTable;
import org.lsmspark.spark.RunManifest;
import org.lsmspark.spark.ScoreJob;
import org.lsmspark.spark.ScoreSettings;
import org.lsmspark.spark.SparkSessions;
import org.lsmspark.spark.TableFormat;
import org.lsmspark.spark.WindowMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lsm score}: the batch-scoring job. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a dialogue corpus (Parquet or JSON lines; one row per turn, or one row per",
      "conversation with an array of turns) and writes predictions as Parquet partitioned by",
      "run_date (Parquet folder, Delta or Iceberg table), replacing only that date in one",
      "commit, with a run manifest under _runs/.",
      "Exit codes: 0 all rows scored, 1 some rows in error, 2 usage or bad input, 3 the run failed."
    })
final class ScoreCommand implements Callable<Integer> {
  @Mixin ModelOption model;

  @Mixin MasterOption master;

  @Mixin EngineOptionsMixin engine;

  @Mixin DecodeOptionsMixin decode;

  @Mixin CorpusColumnsMixin columns;

  @Option(names = "--input", required = true, description = "Corpus: Parquet directory or JSON lines.")
  String input;

  @Option(names = "--output", required = true, description = "Prediction table: a folder (parquet, delta) or a table name (iceberg).")
  String output;

  @Option(names = "--output-format", defaultValue = "parquet", description = "parquet, delta or iceberg (default: ${DEFAULT-VALUE}).")
  String outputFormat;

  @Option(names = "--input-format", defaultValue = "auto", description = "auto (by the path), parquet, json, csv, delta or iceberg (default: ${DEFAULT-VALUE}).")
  String inputFormat;

  @Option(names = "--warehouse", description = "Root folder of the default Iceberg catalog (Hadoop catalog 'lsm'), for --output-format iceberg.")
  String warehouse;

  @Option(names = "--mode", defaultValue = "all", description = "all: every turn with enough context; last: the reply after each conversation (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--min-context", description = "Earlier turns a turn needs (default: the window size in mode all, 1 in mode last).")
  Integer minContext;

  @Option(names = "--run-date", description = "Partition to write, yyyy-MM-dd (default: today, UTC).")
  String runDate;

  @Option(names = "--partitions", defaultValue = "0", description = "Partitions to score in (default: spark.sql.shuffle.partitions).")
  int partitions;

  @Option(names = "--allow-foreign-output", description = "Write even when --output holds files that are not part of a prediction table.")
  boolean allowForeignOutput;

  @Option(names = "--incremental", description = "Score only what arrived since the last run (Structured Streaming, Trigger.AvailableNow); needs --checkpoint and --output-format delta.")
  boolean incremental;

  @Option(names = "--checkpoint", description = "The incremental run's checkpoint folder: what was scored, kept between runs.")
  String checkpoint;
  @Option(names = "--report", description = "Also write the run's HTML report beside its manifest (_runs/RUN_ID.html).")
  boolean report;

  @Override
  public Integer call() {
    ScoreJob.Request request = request();
    SparkSession spark = SparkSessions.create("lsm score", master.master);
    ScoreJob.Result r = incremental ? IncrementalScoreJob.run(spark, request, checkpoint)
        : ScoreJob.run(spark, request);
    print(r);
    if (report) {
      writeReport(spark, request, r.runId());
    }
    return r.counts().errors() > 0 ? 1 : 0;
  }

  ScoreJob.Request request() {
    LocalDate date;
    try {
      date = runDate == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(runDate);
    } catch (DateTimeParseException e) {
      throw new Main.UserException("--run-date must be a date as yyyy-MM-dd, got \"" + runDate + "\"");
    }
    Options.nonNegative("--partitions", partitions);
    Options.nonNegative("--cache-size", engine.cacheSize);
    if (minContext != null) {
      Options.nonNegative("--min-context", minContext);
    }
    WindowMode m;
    try {
      m = WindowMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new Main.UserException("--" + e.getMessage());
    }
    ScoreSettings settings;
    try {
      settings = new ScoreSettings(m, minContext == null ? ScoreSettings.DEFAULT_MIN_CONTEXT : minContext,
          engine.batchSize, engine.topK, engine.cacheSize, engine.cacheMemoryBytes(), engine.legacyMode,
          decode.mode(), decode.checkRate());
    } catch (IllegalArgumentException e) {
      throw new Main.UserException("--" + e.getMessage());
    }
    if (!Corpus.FORMATS.contains(inputFormat)) {
      throw new Main.UserException("--input-format must be one of " + Corpus.FORMATS + ", got \"" + inputFormat + "\"");
    }
    TableFormat format;
    try {
      format = TableFormat.parse("--output-format", outputFormat);
    } catch (IllegalArgumentException e) {
      throw new Main.UserException(e.getMessage());
    }
    if (incremental != (checkpoint != null)) {
      throw new Main.UserException(incremental ? "--incremental needs --checkpoint DIR"
          : "--checkpoint applies to --incremental runs only");
    }
    if (incremental && format != TableFormat.DELTA) {
      throw new Main.UserException("--incremental needs --output-format delta: a conversation sent again replaces its"
          + " rows, which a " + format.label() + " table cannot do in one commit");
    }
    if (warehouse != null && format != TableFormat.ICEBERG) {
      throw new Main.UserException("--warehouse applies to --output-format iceberg only");
    }
    return new ScoreJob.Request(model.model, input, output, columns.columns(), settings, date, partitions,
        allowForeignOutput, inputFormat, format, warehouse);
  }

  /** The run's report beside its manifest, read back from the table like {@code lsm report} does. */
  static void writeReport(SparkSession spark, ScoreJob.Request request, String runId) {
    PredictionTable table = PredictionTable.open(spark, request.outputFormat().label(), request.output(),
        request.warehouse());
    String target = ReportFiles.besideManifest(table, runId);
    ReportFiles.write(spark, ScoringRun.open(spark, table, runId), null, target);
    System.err.printf("lsm score: report %s%n", Redaction.path(target));
  }

  static void print(ScoreJob.Result r) {
    RunManifest.Counts c = r.counts();
    RunManifest s = r.summary();
    System.err.printf("lsm score: run %s, model %s%n", r.runId(), s.modelId());
    System.err.printf("lsm score: %d conversations, %d turns read, %d windows scored (%d errors), %d turns without"
            + " enough context, %d rows written%n", c.conversations(), c.turnsRead(), c.windowsScored(), c.errors(),
        c.skippedShortContext(), c.rowsWritten());
    if (c.turnsWithoutKey() > 0) {
      System.err.printf("lsm score: %d turns without a conversation id or turn index, not scored (counts.turns_without_key"
          + " in the manifest)%n", c.turnsWithoutKey());
    }
    System.err.printf("lsm score: %.1f windows/s; model loads per executor %s%n", s.windowsPerSecond(),
        new java.util.TreeMap<>(s.modelLoadsPerExecutor()));
    s.engines().caches().forEach((name, cache) -> System.err.printf("lsm score: %s cache: %d requests, hit rate %.1f%%%n",
        name, cache.requests(), 100 * cache.hitRate()));
    System.err.printf("lsm score: %s%n", decodeSummary(s.engines().decode()));
    System.err.printf("lsm score: predictions in %s table %s (run_date=%s%s), manifest %s%n", s.table().format(),
        s.output(), s.runDate(), s.table().version() < 0 ? "" : ", version " + s.table().version(), r.manifest());
  }

  /** The decode line of the summary: the mode and, when embeddings were checked, their recall against exact. */
  static String decodeSummary(RunManifest.Decode d) {
    if (d == null) {
      return "decode not recorded";
    }
    if (d.checked() == 0 || d.recallAt1() == null) {
      return d.mode() + " decode" + ("approximate".equals(d.mode()) ? ", no embedding checked against exact" : "");
    }
    return String.format(java.util.Locale.ROOT,
        "%s decode, %d embeddings checked against exact (rate %s): recall@1 %.4f, recall@5 %.4f", d.mode(),
        d.checked(), d.checkRate(), d.recallAt1(), d.recallAt5() == null ? Double.NaN : d.recallAt5());
  }
}
