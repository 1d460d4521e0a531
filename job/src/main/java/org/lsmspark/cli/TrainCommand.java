package org.lsmspark.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.model.WaveformConfig;
import org.lsmspark.spark.LsmSparkVersion;
import org.lsmspark.spark.Redaction;
import org.lsmspark.training.Trainer;
import org.lsmspark.training.TrainingOptions;
import org.lsmspark.training.TrainingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lsm train}: fits a model on a corpus and writes it in format v1 or v2. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains a next-turn model on a corpus of conversations and writes it as a model directory (format v2 by default, v1 with --waveform rolling --no-input-channel --pooling global_average).",
      "CORPUS: Parquet or JSON lines (.jsonl, .jsonl.gz) of turns {dialogue_id, turn_index, text}, or a",
      "file of JSON strings (one conversation). The same seed and input give byte-identical files."
    })
final class TrainCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

  @Option(names = "--input", required = true, paramLabel = "CORPUS", description = "Corpus of turns (any Hadoop path).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "MODEL_DIR", description = "Model directory to create (must not exist or be empty).")
  String output;

  @Option(names = "--window-size", defaultValue = "10", description = "Turns of context (default: ${DEFAULT-VALUE}).")
  int windowSize;

  @Option(names = "--embedding-dim", defaultValue = "128", description = "Turn embedding size (default: ${DEFAULT-VALUE}).")
  int embeddingDim;

  @Option(names = "--max-features", defaultValue = "10000", description = "TF-IDF terms kept (default: ${DEFAULT-VALUE}).")
  int maxFeatures;

  @Option(names = "--min-df", defaultValue = "2", description = "Minimum document frequency of a term (default: ${DEFAULT-VALUE}).")
  int minDf;

  @Option(names = "--ngram-max", defaultValue = "2", description = "Longest n-gram (default: ${DEFAULT-VALUE}).")
  int ngramMax;

  @Option(names = "--reservoir-units", split = ",", defaultValue = "128", description = "Units per reservoir layer (default: ${DEFAULT-VALUE}).")
  List<Integer> reservoirUnits;

  @Option(names = "--reservoir-frequencies", split = ",", description = "Sine frequency per layer (default: 1.0 + 0.5·i).")
  List<Double> frequencies;

  @Option(names = "--reservoir-amplitudes", split = ",", description = "Sine amplitude per layer (default: 1.0).")
  List<Double> amplitudes;

  @Option(names = "--reservoir-decays", split = ",", description = "Sine decay per layer (default: 0.1).")
  List<Double> decays;

  @Option(names = "--sparsity", defaultValue = "0.1", description = "Fraction of reservoir connections kept (default: ${DEFAULT-VALUE}).")
  double sparsity;

  @Option(names = "--no-multichannel", description = "Feed only the last reservoir layer to the CNN.")
  boolean noMultichannel;

  @Option(names = "--waveform", defaultValue = "stacked", paramLabel = "LAYOUT", description = "stacked: row t is turn t's whole output (format v2); rolling: shifted by t and cut to W columns (format v1) (default: ${DEFAULT-VALUE}).")
  String waveform;

  @Option(names = "--no-input-channel", description = "Do not show the turn embedding itself to the CNN (format v1 has no input channel).")
  boolean noInputChannel;

  @Option(names = "--attention", description = "Spatial attention (7×7 convolution) before the convolutions, as format v1's original.")
  boolean attention;

  @Option(names = "--conv-filters", split = ",", defaultValue = "4", description = "Filters per convolution (default: ${DEFAULT-VALUE}).")
  List<Integer> convFilters;

  @Option(names = "--conv-kernels", split = ",", defaultValue = "1", description = "Kernel size per convolution, odd (default: ${DEFAULT-VALUE}).")
  List<Integer> convKernels;

  @Option(names = "--pooling", defaultValue = "flatten", paramLabel = "POOLING", description = "flatten: keep where each value sits (format v2); global_average: the mean over the image (default: ${DEFAULT-VALUE}).")
  String pooling;

  @Option(names = "--dense-units", split = ",", arity = "0..1", defaultValue = "256", description = "Units per dense layer; the option without a value: none, the output reads the pooled image directly (default: ${DEFAULT-VALUE}).")
  List<Integer> denseUnits;

  @Option(names = "--loss", defaultValue = "contrastive", paramLabel = "LOSS", description = "contrastive: in-batch softmax over cosine similarities; mse: squared error to the next turn's embedding (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(names = "--temperature", defaultValue = "0.05", description = "Divides the cosine similarities of the contrastive loss (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--dropout", defaultValue = "0.3", description = "Dropout after each dense layer while training (default: ${DEFAULT-VALUE}).")
  double dropout;

  @Option(names = "--patience", defaultValue = "2", description = "Stop after this many epochs without a better validation R@1/100 (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--epochs", defaultValue = "8", description = "Training epochs; 0 writes the initialised model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "512", description = "Windows per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--validation-split", defaultValue = "0.1", description = "Fraction of conversations held out for validation (default: ${DEFAULT-VALUE}).")
  double validationSplit;

  @Option(names = "--max-windows", defaultValue = "0", paramLabel = "N", description = "Cap on training windows, a seeded sample; 0 for all (default: all).")
  int maxWindows;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--reservoir-input-std", defaultValue = "1.5", description = "Scale reservoir kernels so pre-activations have this std on the corpus's turns; 0 keeps the drawn scale (default: ${DEFAULT-VALUE}).")
  double reservoirInputStd;

  @Option(names = "--threads", defaultValue = "1", description = "ND4J threads while the CNN trains (default: ${DEFAULT-VALUE}; more stalls on a shared machine).")
  int threads;

  @Option(names = "--model-id", description = "Model id to record (default: derived from the corpus and the seed).")
  String modelId;

  @Override
  public Integer call() {
    TrainingOptions options = options();
    LOG.info("lsm train: " + options);
    String started = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    long t0 = System.nanoTime();
    List<List<String>> dialogues = CorpusInput.read(input, "lsm train", LOG);
    Trainer.Result result = Trainer.train(dialogues, options, new Progress(System.err));
    ModelBundle bundle = result.bundle();
    if (result.bestEpoch() > 0) {
      Trainer.EpochStats best = result.epochs().get(result.bestEpoch() - 1);
      LOG.info(String.format("best epoch %d of %d: validation R@1/100 %.4f, validation loss %.6f, training loss %.6f;"
          + " its weights are kept", best.epoch(), result.epochs().size(), best.validationRecall(),
          best.validationLoss(), best.trainLoss()));
    }
    TrainingRecord record = TrainingRecord.of(result, bundle.fingerprint(), LsmSparkVersion.of(), options.fit(),
        Redaction.path(input), TrainingRecord.thisMachine(), started, (System.nanoTime() - t0) / 1e9);
    long tw = System.nanoTime();
    ModelDirectory.write(bundle, output, Map.of(TrainingRecord.FILE, record.toJson()), new Configuration());
    ModelBundle back = ModelDirectory.read(output);
    if (!back.fingerprint().equals(bundle.fingerprint())) {
      throw new IllegalStateException("model read back from " + output + " has fingerprint " + back.fingerprint()
          + ", expected " + bundle.fingerprint());
    }
    LOG.info(String.format("model %s written to %s and verified (%d files, fingerprint %s; how it was made in %s)"
        + " in %.1f s", bundle.modelId(), Redaction.path(output), bundle.digests().size(), bundle.fingerprint(),
        TrainingRecord.FILE, (System.nanoTime() - tw) / 1e9));
    LOG.info(String.format("lsm train: done in %.1f s", (System.nanoTime() - t0) / 1e9));
    return 0;
  }

  TrainingOptions options() {
    return TrainingOptions.builder().windowSize(windowSize).embeddingDim(embeddingDim).maxFeatures(maxFeatures)
        .minDf(minDf).ngramMax(ngramMax).reservoirUnits(reservoirUnits).frequencies(frequencies)
        .amplitudes(amplitudes).decays(decays).sparsity(sparsity).multichannel(!noMultichannel)
        .waveform(new WaveformConfig(Options.choice("--waveform", waveform, WaveformConfig.Layout.class), !noInputChannel))
        .attention(attention).convFilters(convFilters).convKernels(convKernels)
        .pooling(Options.choice("--pooling", pooling, CnnConfig.Pooling.class)).denseUnits(denseUnits)
        .loss(Options.choice("--loss", loss, TrainingOptions.Loss.class)).temperature(temperature).dropout(dropout)
        .patience(patience)
        .epochs(epochs).batchSize(batchSize).learningRate(learningRate).validationSplit(validationSplit)
        .maxWindows(maxWindows).seed(seed).threads(threads).reservoirInputStd(reservoirInputStd).modelId(modelId).build();
  }

  /** Log lines for events and epochs; on a terminal, a carriage-return progress bar per epoch on stderr. */
  static final class Progress implements Trainer.Listener {
    private final PrintStream err;
    private final boolean terminal = System.console() != null;
    private long lastDraw = System.nanoTime();

    Progress(PrintStream err) {
      this.err = err;
    }

    @Override
    public void event(String message) {
      LOG.info(message);
    }

    @Override
    public void batch(int epoch, int epochs, int done, int total, double loss, double windowsPerSecond) {
      long now = System.nanoTime();
      if (!terminal) {
        // logs get a progress line every half minute instead of a bar
        if (done < total && now - lastDraw >= 30_000_000_000L) {
          lastDraw = now;
          LOG.info(String.format("epoch %d/%d: %d/%d batches, loss %.5f, %.0f windows/s", epoch, epochs, done, total,
              loss, windowsPerSecond));
        }
        return;
      }
      if (done < total && now - lastDraw < 250_000_000L) {
        return;
      }
      lastDraw = now;
      int width = 30;
      int filled = (int) ((long) width * done / total);
      err.print(String.format("\repoch %d/%d [%s%s] %d/%d batches  loss %.5f  %.0f windows/s", epoch, epochs,
          "=".repeat(filled), " ".repeat(width - filled), done, total, loss, windowsPerSecond));
      if (done == total) {
        err.println();
      }
      err.flush();
    }

    @Override
    public void epoch(Trainer.EpochStats s, boolean best) {
      LOG.info(String.format("epoch %d: training loss %.6f, validation loss %.6f, validation R@1/100 %.4f%s, %.1f s,"
          + " %.0f windows/s", s.epoch(), s.trainLoss(), s.validationLoss(), s.validationRecall(),
          best ? " (best so far)" : "", s.seconds(),
          s.windowsPerSecond()));
    }
  }
}
