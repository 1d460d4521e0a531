package org.lsmspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.spark.Corpus;
import org.lsmspark.spark.Ingest;
import org.lsmspark.spark.ScoreJob;
import org.lsmspark.spark.ScoreSettings;
import org.lsmspark.spark.SparkSessions;
import org.lsmspark.spark.WindowMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lsm demo}: the whole product on a bundled sample, end to end. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Ingests the bundled sample corpus (400 dialogues of the Schema-Guided Dialogue dataset, CC BY-SA 4.0,",
      "see NOTICE), trains a model on its first 340 conversations unless one is there already, ranks the",
      "next turns of the other 60 against BM25 (1-of-100), scores every turn with Spark embedded in this JVM,",
      "and prints how many distinct turns it predicted and where the predictions and the manifest are."
    })
final class DemoCommand implements Callable<Integer> {
  static final String SAMPLE = "/org/lsmspark/sample/sgd-sample.jsonl.gz";

  @Option(names = "--dir", description = "Working directory (default: work/demo in the project, else ./lsm-demo).")
  Path dir;

  @Option(names = "--master", defaultValue = "local[*]", description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs for the demo model (default: ${DEFAULT-VALUE}).")
  int epochs;

  /** Conversations of the sample the demo model never sees: the last ones, by conversation id. */
  static final int HELD_OUT = 60;

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    Path home = dir != null ? dir
        : System.getProperty("lsm.home") != null ? Path.of(System.getProperty("lsm.home"), "work", "demo")
        : Path.of("lsm-demo");
    Files.createDirectories(home);
    Path corpus = home.resolve("corpus");
    Path trainSplit = corpus.resolve("split=train");
    Path heldOutSplit = corpus.resolve("split=heldout");
    Path model = home.resolve("model");
    Path predictions = home.resolve("predictions");

    if (!Files.isDirectory(heldOutSplit)) {
      SampleSplit.Files files = SampleSplit.write(DemoCommand.class.getResourceAsStream(SAMPLE), home, HELD_OUT);
      SparkSession spark = SparkSessions.create("lsm demo", master);
      long train = Ingest.run(spark, files.train().toString(), trainSplit.toString()).ingested();
      long heldOut = Ingest.run(spark, files.heldOut().toString(), heldOutSplit.toString()).ingested();
      say("ingested %d turns of the sample into %s: %d for training, %d from %d held-out conversations",
          train + heldOut, corpus, train, heldOut, HELD_OUT);
    } else {
      say("corpus already ingested in %s", corpus);
    }

    if (!Files.isRegularFile(model.resolve("model.json"))) {
      say("training a model on the sample's first conversations (%d epochs at most)", epochs);
      // small data wants a linear read-out and a softer temperature (README, "Training on little data")
      run("training the demo model", new TrainCommand(), "--input", trainSplit.toString(), "--output",
          model.toString(), "--epochs", String.valueOf(epochs), "--patience", String.valueOf(epochs),
          "--embedding-dim", "64", "--max-features", "4000", "--reservoir-units", "64", "--dense-units",
          "--batch-size", "32", "--temperature", "0.1", "--model-id", "lsm-demo-sgd340");
    } else {
      say("model already trained in %s", model);
    }
    Path evaluation = home.resolve("evaluation.json");
    run("evaluating the demo model", new EvaluateCommand(), "--model", model.toString(), "--input",
        heldOutSplit.toString(), "--output", evaluation.toString());
    JsonNode oneOf100 = new ObjectMapper().readTree(evaluation.toFile()).path("one_of_100");
    say("held-out conversations, 1-of-100 R@1: model %.3f, BM25 %.3f, random %.3f (%s)",
        oneOf100.path("model").path("recall@1").asDouble(), oneOf100.path("baselines").path("bm25").path("recall@1").asDouble(),
        oneOf100.path("baselines").path("random").path("recall@1").asDouble(), evaluation);

    SparkSession spark = SparkSessions.create("lsm demo", master);
    ScoreJob.Request request = new ScoreJob.Request(model.toString(), corpus.toString(), predictions.toString(),
        Corpus.Columns.defaults(), new ScoreSettings(WindowMode.ALL, 1, 256, 5, 10_000, 256L << 20, false),
        LocalDate.now(ZoneOffset.UTC), 0, false);
    ScoreJob.Result result = ScoreJob.run(spark, request);
    ScoreCommand.print(result);
    long distinct = spark.read().parquet(result.summary().output())
        .where("run_id = '" + result.runId() + "' and status = 'ok'").select("predicted_text").distinct().count();
    say("%d distinct predicted turns over %d windows", distinct, result.summary().counts().rowsWritten());
    examples(spark, result);
    ScoreCommand.writeReport(spark, request, result.runId());
    say("done in %.1f s. Predictions: %s (Parquet, partitioned by run_date); manifest: %s", (System.nanoTime() - t0) / 1e9,
        predictions, result.manifest());
    return 0;
  }

  /** A few predictions next to the turns that really came, to see what the model does. */
  private static void examples(SparkSession spark, ScoreJob.Result result) {
    List<Row> rows = spark.read().parquet(result.summary().output())
        .where("run_id = '" + result.runId() + "' and status = 'ok' and turn_index >= 4")
        .orderBy("conversation_id", "turn_index").limit(3).collectAsList();
    for (Row r : rows) {
      say("example %s turn %d: predicted \"%s\" (confidence %.2f), actual \"%s\"", r.getAs("conversation_id"),
          (Integer) r.getAs("turn_index"), r.getAs("predicted_text"), (Float) r.getAs("confidence"),
          r.getAs("actual_text"));
    }
  }

  private static void run(String what, Object command, String... args) {
    int code = new CommandLine(command).execute(args);
    if (code != 0) {
      throw new Main.UserException(what + " failed (exit code " + code + ")");
    }
  }

  private static void say(String format, Object... args) {
    System.err.println("lsm demo: " + String.format(format, args));
  }
}
