package org.lsmspark.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;
import org.lsmspark.reservoir.Reservoir;
import org.lsmspark.tokenizer.Tokenizer;
import org.lsmspark.tokenizer.TokenizerFitter;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a model from conversations: fits the tokenizer on every turn, draws the reservoir from
 * the seed, renders one waveform per window, and trains the CNN on them (see {@link CnnTrainer}),
 * keeping the epoch with the lowest validation loss. Same conversations and options → the same
 * bundle, byte for byte.
 *
 * <p>Windows: every turn with at least one earlier turn, its previous W turns padded in front
 * with "" (see {@link Windows}); the target is the turn's embedding. Conversations, not
 * windows, are split into training and validation, by a shuffle drawn from the seed.
 */
public final class Trainer {

  /** What a run reports while it goes; every method has a no-op default. */
  public interface Listener {
    /** One line worth logging, e.g. "tokenizer fitted: ...". */
    default void event(String message) {}

    /** After each batch of an epoch (1-based), with the running mean training loss. */
    default void batch(int epoch, int epochs, int batchesDone, int batches, double loss, double windowsPerSecond) {}

    /** After each epoch. */
    default void epoch(EpochStats stats, boolean best) {}
  }

  /**
   * One epoch: mean training loss (with dropout), validation loss (inference mode), validation
   * recall@1 of 1-of-100 ranking, time.
   */
  public record EpochStats(int epoch, double trainLoss, double validationLoss,
      @JsonProperty("validation_recall@1/100") double validationRecall,
      double seconds, double windowsPerSecond) {}

  /**
   * The trained bundle and how the run went; {@code bestEpoch} is 0 when nothing was trained.
   * {@code corpusSha256} digests the conversations' turns in order (the default model id's prefix).
   */
  public record Result(ModelBundle bundle, double initialValidationLoss, double initialValidationRecall,
      List<EpochStats> epochs, int bestEpoch, int turns, String corpusSha256,
      int trainDialogues, int validationDialogues, int trainWindows, int validationWindows) {
    public Result {
      epochs = List.copyOf(epochs);
    }
  }

  private Trainer() {}

  public static Result train(List<List<String>> dialogues, TrainingOptions options) {
    return train(dialogues, options, new Listener() {});
  }

  public static Result train(List<List<String>> dialogues, TrainingOptions options, Listener listener) {
    Objects.requireNonNull(dialogues, "dialogues");
    Objects.requireNonNull(options, "options");
    List<String> turns = new ArrayList<>();
    for (int d = 0; d < dialogues.size(); d++) {
      List<String> dialogue = Objects.requireNonNull(dialogues.get(d), "conversation " + d);
      for (int t = 0; t < dialogue.size(); t++) {
        turns.add(Objects.requireNonNull(dialogue.get(t), "turn " + t + " of conversation " + d));
      }
    }
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("the corpus holds no turns");
    }
    long t0 = System.nanoTime();
    Tokenizer tokenizer = TokenizerFitter.fit(turns, options.architecture().tokenizer(), options.architecture().embeddingDim());
    listener.event(String.format("tokenizer fitted: %d conversations, %d turns, %d distinct, %d terms, "
            + "embedding %d, in %.1f s", dialogues.size(), turns.size(), tokenizer.vocabularySize(),
        tokenizer.featureCount(), tokenizer.embeddingDim(), seconds(t0)));

    String digest = corpusDigest(dialogues);
    String id = options.modelId() != null ? options.modelId()
        : "lsm-" + digest.substring(0, 12) + "-seed" + options.fit().seed();
    ModelConfig config = options.architecture(id);
    FitConfig fit = options.fit();
    Random rng = new Random(fit.seed());
    Nd4j.getRandom().setSeed(fit.seed());
    Map<String, Tensor> tensors = new TreeMap<>();
    tensors.put(WeightFiles.IDF, tokenizer.idf());
    tensors.put(WeightFiles.COMPONENTS, tokenizer.components());
    tensors.put(WeightFiles.VOCAB_EMBEDDINGS, tokenizer.vocabEmbeddings());
    tensors.putAll(ReservoirInit.draw(config, rng));
    if (fit.reservoirInputStd() > 0) {
      // calibrate on up to 4,096 vocabulary turns, evenly spaced (no random draw)
      int v = tokenizer.vocabularySize();
      int stride = Math.max(1, v / 4096);
      int n = (v + stride - 1) / stride;
      float[] sample = new float[n * config.embeddingDim()];
      float[] all = tokenizer.vocabEmbeddings().toArray();
      for (int i = 0; i < n; i++) {
        System.arraycopy(all, i * stride * config.embeddingDim(), sample, i * config.embeddingDim(), config.embeddingDim());
      }
      ReservoirInit.calibrate(config, tensors, sample, n, fit.reservoirInputStd());
      listener.event(String.format("reservoir calibrated on %d vocabulary turns: pre-activation std %.2f per layer",
          n, fit.reservoirInputStd()));
    }
    Map<String, Tensor> cnnInit = CnnInit.draw(config, rng);
    tensors.putAll(cnnInit);
    ModelBundle initial = ModelBundle.of(config, tokenizer.terms(), tokenizer.vocabulary(), tensors);

    // split by conversation
    List<Integer> order = new ArrayList<>();
    for (int d = 0; d < dialogues.size(); d++) {
      order.add(d);
    }
    shuffle(order, rng);
    int nVal = (int) Math.round(fit.validationSplit() * dialogues.size());
    if (fit.validationSplit() > 0 && dialogues.size() >= 2) {
      nVal = Math.max(1, Math.min(nVal, dialogues.size() - 1));
    }
    List<Integer> valIdx = new ArrayList<>(order.subList(0, nVal));
    List<Integer> trainIdx = new ArrayList<>(order.subList(nVal, order.size()));
    valIdx.sort(null);
    trainIdx.sort(null);
    List<Windows.Ref> trainRefs = cap(Windows.of(dialogues, trainIdx), fit.maxWindows(), rng);
    int valCap = fit.maxWindows() == 0 ? 0
        : (int) Math.ceil(fit.maxWindows() * fit.validationSplit() / (1 - fit.validationSplit()));
    List<Windows.Ref> valRefs = cap(Windows.of(dialogues, valIdx), fit.maxWindows() == 0 ? 0 : Math.max(1, valCap), rng);
    listener.event(String.format("windows: %d training from %d conversations, %d validation from %d conversations%s",
        trainRefs.size(), trainIdx.size(), valRefs.size(), valIdx.size(),
        fit.maxWindows() > 0 ? " (capped by --max-windows " + fit.maxWindows() + ")" : ""));

    if (fit.epochs() == 0) {
      return new Result(initial, Double.NaN, Double.NaN, List.of(), 0, turns.size(), digest, trainIdx.size(),
          valIdx.size(), trainRefs.size(), valRefs.size());
    }
    if (trainRefs.isEmpty()) {
      throw new IllegalArgumentException("no training windows: every training conversation has fewer than 2 turns");
    }

    long t1 = System.nanoTime();
    TrainingData data = new TrainingData(config, tokenizer, Reservoir.of(initial));
    TrainingData.WindowSet train = data.windows(dialogues, trainRefs);
    TrainingData.WindowSet validation = data.windows(dialogues, valRefs);
    ValidationRanking ranking = new ValidationRanking(data, validation, tokenizer, fit.seed());
    listener.event(String.format("turn states: %d distinct turns through the reservoir in %.1f s; waveform %d×%d×%d",
        data.turnCount(), seconds(t1), config.waveHeight(), config.waveWidth(), config.channels()));

    // ND4J's parallel kernels stall badly on a busy machine; one thread is faster and reproducible
    int threads = Nd4j.getEnvironment().maxThreads();
    int masterThreads = Nd4j.getEnvironment().maxMasterThreads();
    Nd4j.getEnvironment().setMaxThreads(fit.threads());
    Nd4j.getEnvironment().setMaxMasterThreads(fit.threads());
    try {
      CnnNetwork net = CnnNetworks.create(config, cnnInit, fit);
      Objective objective = Objective.of(fit.loss(), fit.temperature());
      Validation scoring = new Validation(data, validation, ranking, objective);
      EpochLoop.Outcome outcome = new EpochLoop(data, train, scoring, objective, fit, listener).run(net, rng);
      tensors.putAll(outcome.bestWeights() != null ? outcome.bestWeights() : net.weights());
      ModelBundle trained = ModelBundle.of(config, tokenizer.terms(), tokenizer.vocabulary(), tensors);
      return new Result(trained, outcome.initialValidationLoss(), outcome.initialRecall(), outcome.epochs(),
          outcome.bestEpoch(), turns.size(), digest, trainIdx.size(), valIdx.size(), trainRefs.size(), valRefs.size());
    } finally {
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.getEnvironment().setMaxMasterThreads(masterThreads);
    }
  }

  /** At most {@code max} windows (0: all), a sample drawn from {@code rng}, kept in corpus order. */
  private static List<Windows.Ref> cap(List<Windows.Ref> refs, int max, Random rng) {
    if (max == 0 || refs.size() <= max) {
      return refs;
    }
    Integer[] idx = new Integer[refs.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    List<Integer> all = Arrays.asList(idx);
    shuffle(all, rng);
    List<Integer> kept = new ArrayList<>(all.subList(0, max));
    kept.sort(null);
    List<Windows.Ref> out = new ArrayList<>(max);
    for (int i : kept) {
      out.add(refs.get(i));
    }
    return out;
  }

  /** Fisher–Yates from {@code rng} (not Collections.shuffle, whose draws are an implementation detail). */
  private static <T> void shuffle(List<T> list, Random rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      T tmp = list.get(i);
      list.set(i, list.get(j));
      list.set(j, tmp);
    }
  }

  private static String corpusDigest(List<List<String>> dialogues) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (List<String> d : dialogues) {
        for (String t : d) {
          md.update(t.getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
        }
        md.update((byte) 1);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double seconds(long since) {
    return Math.max(1e-9, (System.nanoTime() - since) / 1e9);
  }
}
