package org.lsmspark.training;

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
import org.lsmspark.model.WaveformConfig;
import org.lsmspark.model.WeightFiles;
import org.lsmspark.reservoir.Reservoir;
import org.lsmspark.reservoir.Waveform;
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

  /** One epoch: mean training loss (with dropout), validation loss (inference mode), time. */
  public record EpochStats(int epoch, double trainLoss, double validationLoss, double seconds, double windowsPerSecond) {}

  /** The trained bundle and how the run went; {@code bestEpoch} is 0 when nothing was trained. */
  public record Result(ModelBundle bundle, double initialValidationLoss, List<EpochStats> epochs, int bestEpoch,
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
    Tokenizer tokenizer = TokenizerFitter.fit(turns, options.tokenizerConfig(), options.embeddingDim());
    listener.event(String.format("tokenizer fitted: %d conversations, %d turns, %d distinct, %d terms, "
            + "embedding %d, in %.1f s", dialogues.size(), turns.size(), tokenizer.vocabularySize(),
        tokenizer.featureCount(), tokenizer.embeddingDim(), seconds(t0)));

    String id = options.modelId() != null ? options.modelId()
        : "lsm-" + corpusDigest(dialogues).substring(0, 12) + "-seed" + options.seed();
    ModelConfig config = new ModelConfig(id, options.windowSize(), options.embeddingDim(),
        options.tokenizerConfig(), options.reservoirConfig(), WaveformConfig.V1, options.cnnConfig());
    Random rng = new Random(options.seed());
    Nd4j.getRandom().setSeed(options.seed());
    Map<String, Tensor> tensors = new TreeMap<>();
    tensors.put(WeightFiles.IDF, tokenizer.idf());
    tensors.put(WeightFiles.COMPONENTS, tokenizer.components());
    tensors.put(WeightFiles.VOCAB_EMBEDDINGS, tokenizer.vocabEmbeddings());
    tensors.putAll(ReservoirInit.draw(config, rng));
    if (options.reservoirInputStd() > 0) {
      // calibrate on up to 4,096 vocabulary turns, evenly spaced (no random draw)
      int v = tokenizer.vocabularySize();
      int stride = Math.max(1, v / 4096);
      int n = (v + stride - 1) / stride;
      float[] sample = new float[n * options.embeddingDim()];
      float[] all = tokenizer.vocabEmbeddings().toArray();
      for (int i = 0; i < n; i++) {
        System.arraycopy(all, i * stride * options.embeddingDim(), sample, i * options.embeddingDim(), options.embeddingDim());
      }
      ReservoirInit.calibrate(config, tensors, sample, n, options.reservoirInputStd());
      listener.event(String.format("reservoir calibrated on %d vocabulary turns: pre-activation std %.2f per layer",
          n, options.reservoirInputStd()));
    }
    Map<String, Tensor> cnnInit = CnnTrainer.initialWeights(config, rng);
    tensors.putAll(cnnInit);
    ModelBundle initial = ModelBundle.of(config, tokenizer.terms(), tokenizer.vocabulary(), tensors);

    // split by conversation
    List<Integer> order = new ArrayList<>();
    for (int d = 0; d < dialogues.size(); d++) {
      order.add(d);
    }
    shuffle(order, rng);
    int nVal = (int) Math.round(options.validationSplit() * dialogues.size());
    if (options.validationSplit() > 0 && dialogues.size() >= 2) {
      nVal = Math.max(1, Math.min(nVal, dialogues.size() - 1));
    }
    List<Integer> valIdx = new ArrayList<>(order.subList(0, nVal));
    List<Integer> trainIdx = new ArrayList<>(order.subList(nVal, order.size()));
    valIdx.sort(null);
    trainIdx.sort(null);
    List<Windows.Ref> trainRefs = cap(Windows.of(dialogues, trainIdx), options.maxWindows(), rng);
    int valCap = options.maxWindows() == 0 ? 0
        : (int) Math.ceil(options.maxWindows() * options.validationSplit() / (1 - options.validationSplit()));
    List<Windows.Ref> valRefs = cap(Windows.of(dialogues, valIdx), options.maxWindows() == 0 ? 0 : Math.max(1, valCap), rng);
    listener.event(String.format("windows: %d training from %d conversations, %d validation from %d conversations%s",
        trainRefs.size(), trainIdx.size(), valRefs.size(), valIdx.size(),
        options.maxWindows() > 0 ? " (capped by --max-windows " + options.maxWindows() + ")" : ""));

    if (options.epochs() == 0) {
      return new Result(initial, Double.NaN, List.of(), 0, trainIdx.size(), valIdx.size(), trainRefs.size(), valRefs.size());
    }
    if (trainRefs.isEmpty()) {
      throw new IllegalArgumentException("no training windows: every training conversation has fewer than 2 turns");
    }

    long t1 = System.nanoTime();
    Renderer renderer = new Renderer(initial, tokenizer);
    float[] trainWaves = renderer.waves(dialogues, trainRefs);
    float[] trainTargets = renderer.targets(dialogues, trainRefs);
    float[] valWaves = renderer.waves(dialogues, valRefs);
    float[] valTargets = renderer.targets(dialogues, valRefs);
    listener.event(String.format("waveforms: %d windows of %d×%d×%d rendered in %.1f s (%.0f MB)",
        trainRefs.size() + valRefs.size(), config.waveHeight(), config.waveWidth(), config.channels(),
        seconds(t1), (trainWaves.length + valWaves.length + trainTargets.length + valTargets.length) * 4.0 / 1e6));

    // ND4J's parallel kernels stall badly on a busy machine; one thread is faster and reproducible
    int threads = Nd4j.getEnvironment().maxThreads();
    int masterThreads = Nd4j.getEnvironment().maxMasterThreads();
    Nd4j.getEnvironment().setMaxThreads(options.threads());
    Nd4j.getEnvironment().setMaxMasterThreads(options.threads());
    try {
      return fitCnn(dialogues, options, listener, rng, config, tokenizer, tensors, cnnInit, trainIdx, valIdx,
          trainRefs, valRefs, renderer.waveSize, trainWaves, trainTargets, valWaves, valTargets);
    } finally {
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.getEnvironment().setMaxMasterThreads(masterThreads);
    }
  }

  private static Result fitCnn(List<List<String>> dialogues, TrainingOptions options, Listener listener, Random rng,
      ModelConfig config, Tokenizer tokenizer, Map<String, Tensor> tensors, Map<String, Tensor> cnnInit,
      List<Integer> trainIdx, List<Integer> valIdx, List<Windows.Ref> trainRefs, List<Windows.Ref> valRefs,
      int waveSize, float[] trainWaves, float[] trainTargets, float[] valWaves, float[] valTargets) {
    CnnTrainer cnn = new CnnTrainer(config, cnnInit, options.learningRate());
    int n = trainRefs.size();
    int batch = options.batchSize();
    int batches = (n + batch - 1) / batch;
    int dim = config.embeddingDim();
    float[] bw = new float[batch * waveSize];
    float[] bt = new float[batch * dim];
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    double initialLoss = valRefs.isEmpty() ? Double.NaN : cnn.loss(valWaves, valTargets, valRefs.size(), 256);
    if (!valRefs.isEmpty()) {
      listener.event(String.format("initial validation loss %.6f", initialLoss));
    }
    List<EpochStats> history = new ArrayList<>();
    Map<String, Tensor> best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      long te = System.nanoTime();
      double sum = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * batch;
        int m = Math.min(batch, n - from);
        for (int i = 0; i < m; i++) {
          System.arraycopy(trainWaves, perm[from + i] * waveSize, bw, i * waveSize, waveSize);
          System.arraycopy(trainTargets, perm[from + i] * dim, bt, i * dim, dim);
        }
        double loss = cnn.trainBatch(bw, bt, 0, m, rng);
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("training diverged in epoch " + epoch + ", batch " + (b + 1)
              + ": loss " + loss + "; try a lower --learning-rate");
        }
        sum += loss * m;
        listener.batch(epoch, options.epochs(), b + 1, batches, sum / (from + m), (from + m) / seconds(te));
      }
      double trainLoss = sum / n;
      double valLoss = valRefs.isEmpty() ? Double.NaN : cnn.loss(valWaves, valTargets, valRefs.size(), 256);
      double secs = seconds(te);
      double score = valRefs.isEmpty() ? trainLoss : valLoss;
      boolean improved = score < bestLoss;
      if (improved) {
        bestLoss = score;
        bestEpoch = epoch;
        best = cnn.weights();
      }
      EpochStats stats = new EpochStats(epoch, trainLoss, valLoss, secs, n / secs);
      history.add(stats);
      listener.epoch(stats, improved);
    }
    tensors.putAll(best != null ? best : cnn.weights());
    ModelBundle trained = ModelBundle.of(config, tokenizer.terms(), tokenizer.vocabulary(), tensors);
    return new Result(trained, initialLoss, history, bestEpoch, trainIdx.size(), valIdx.size(), trainRefs.size(), valRefs.size());
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

  static String corpusDigest(List<List<String>> dialogues) {
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

  /**
   * Waveforms and targets of windows, the reservoir run once per distinct turn. Only the first Wd
   * outputs of each layer reach the image (all of them when stacked), so only those are kept.
   */
  static final class Renderer {
    final Tokenizer tokenizer;
    final Reservoir reservoir;
    final Waveform waveform;
    final int window;
    final int width;
    final int waveSize;
    final double[][][] byVocab;
    double[][] pad;

    Renderer(ModelBundle bundle, Tokenizer tokenizer) {
      this.tokenizer = tokenizer;
      this.reservoir = Reservoir.of(bundle);
      this.window = bundle.config().windowSize();
      this.waveform = Waveform.of(bundle.config());
      this.width = waveform.width();
      this.waveSize = waveform.size();
      this.byVocab = new double[tokenizer.vocabularySize()][][];
    }

    double[][] outputs(String turn) {
      int v = tokenizer.indexOf(turn);
      if (v >= 0 && byVocab[v] != null) {
        return byVocab[v];
      }
      if (v < 0 && turn.isEmpty() && pad != null) {
        return pad;
      }
      double[][] full = reservoir.run(tokenizer.encode(turn));
      double[][] kept = new double[full.length][];
      for (int l = 0; l < full.length; l++) {
        kept[l] = Arrays.copyOf(full[l], Math.min(width, full[l].length));
      }
      if (v >= 0) {
        byVocab[v] = kept;
      } else if (turn.isEmpty()) {
        pad = kept;
      }
      return kept;
    }

    float[] waves(List<List<String>> dialogues, List<Windows.Ref> refs) {
      float[] out = new float[refs.size() * waveSize];
      double[] wave = new double[waveSize];
      double[][][] turns = new double[window][][];
      float[][] embeddings = waveform.hasInputChannel() ? new float[window][] : null;
      for (int i = 0; i < refs.size(); i++) {
        List<String> context = Windows.context(dialogues, refs.get(i), window);
        for (int t = 0; t < window; t++) {
          turns[t] = outputs(context.get(t));
          if (embeddings != null) {
            embeddings[t] = tokenizer.encode(context.get(t));
          }
        }
        waveform.render(embeddings, turns, wave, 0);
        for (int k = 0; k < waveSize; k++) {
          out[i * waveSize + k] = (float) wave[k];
        }
      }
      return out;
    }

    float[] targets(List<List<String>> dialogues, List<Windows.Ref> refs) {
      int dim = tokenizer.embeddingDim();
      float[] out = new float[refs.size() * dim];
      for (int i = 0; i < refs.size(); i++) {
        tokenizer.encodeInto(Windows.target(dialogues, refs.get(i)), out, i * dim);
      }
      return out;
    }
  }
}
