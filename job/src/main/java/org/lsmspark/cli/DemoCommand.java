package org.lsmspark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
      "see NOTICE), trains a model on it with the project's trainer unless one is there already, scores",
      "every turn with Spark embedded in this JVM, and prints where the predictions and the manifest are."
    })
final class DemoCommand implements Callable<Integer> {
  static final String SAMPLE = "/org/lsmspark/sample/sgd-sample.jsonl.gz";

  @Option(names = "--dir", description = "Working directory (default: work/demo in the project, else ./lsm-demo).")
  Path dir;

  @Option(names = "--master", defaultValue = "local[*]", description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--epochs", defaultValue = "3", description = "Training epochs for the demo model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    Path home = dir != null ? dir
        : System.getProperty("lsm.home") != null ? Path.of(System.getProperty("lsm.home"), "work", "demo")
        : Path.of("lsm-demo");
    Files.createDirectories(home);
    Path sample = home.resolve("sgd-sample.jsonl.gz");
    Path corpus = home.resolve("corpus");
    Path model = home.resolve("model");
    Path predictions = home.resolve("predictions");

    if (!Files.isDirectory(corpus)) {
      try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE)) {
        Files.copy(in, sample, StandardCopyOption.REPLACE_EXISTING);
      }
      Ingest.Result r = Ingest.run(SparkSessions.create("lsm demo", master), sample.toString(), corpus.toString());
      say("ingested %d turns of the sample into %s", r.ingested(), corpus);
    } else {
      say("corpus already ingested in %s", corpus);
    }

    if (!Files.isRegularFile(model.resolve("model.json"))) {
      say("training a model on the sample (%d epochs; the first one includes the graph's warm-up)", epochs);
      int code = new CommandLine(new TrainCommand()).execute("--input", corpus.toString(), "--output",
          model.toString(), "--epochs", String.valueOf(epochs), "--embedding-dim", "64", "--max-features", "4000",
          "--model-id", "lsm-demo-sgd400");
      if (code != 0) {
        throw new Main.UserException("training the demo model failed (exit code " + code + ")");
      }
    } else {
      say("model already trained in %s", model);
    }

    SparkSession spark = SparkSessions.create("lsm demo", master);
    ScoreJob.Result result = ScoreJob.run(spark, new ScoreJob.Request(model.toString(), corpus.toString(),
        predictions.toString(), Corpus.Columns.defaults(),
        new ScoreSettings(WindowMode.ALL, 1, 256, 5, 10_000, 256L << 20, false),
        LocalDate.now(ZoneOffset.UTC), 0, false));
    ScoreCommand.print(result);
    examples(spark, result);
    ScoreCommand.writeReport(spark, predictions.toString(), result.runId());
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

  private static void say(String format, Object... args) {
    System.err.println("lsm demo: " + String.format(format, args));
  }
}
