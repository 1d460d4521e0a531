package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.LayerConfig;
import org.lsmspark.model.ReservoirConfig;
import org.lsmspark.model.TokenizerConfig;

/**
 * Everything {@code lsm train} can be told, immutable, with the original's defaults. Built with
 * {@link #builder()}; {@link Builder#build()} validates every value and names the command-line
 * option and its valid range in the message of the {@link IllegalArgumentException} it throws.
 */
public final class TrainingOptions {
  private final int windowSize;
  private final int embeddingDim;
  private final int maxFeatures;
  private final int minDf;
  private final int ngramMax;
  private final List<Integer> reservoirUnits;
  private final List<Double> frequencies;
  private final List<Double> amplitudes;
  private final List<Double> decays;
  private final double sparsity;
  private final boolean multichannel;
  private final boolean attention;
  private final List<Integer> convFilters;
  private final List<Integer> convKernels;
  private final List<Integer> denseUnits;
  private final int epochs;
  private final int batchSize;
  private final double learningRate;
  private final double validationSplit;
  private final int maxWindows;
  private final long seed;
  private final String modelId;
  private final int threads;
  private final double reservoirInputStd;

  private TrainingOptions(Builder b) {
    windowSize = b.windowSize;
    embeddingDim = b.embeddingDim;
    maxFeatures = b.maxFeatures;
    minDf = b.minDf;
    ngramMax = b.ngramMax;
    reservoirUnits = List.copyOf(b.reservoirUnits);
    frequencies = b.frequencies == null ? null : List.copyOf(b.frequencies);
    amplitudes = b.amplitudes == null ? null : List.copyOf(b.amplitudes);
    decays = b.decays == null ? null : List.copyOf(b.decays);
    sparsity = b.sparsity;
    multichannel = b.multichannel;
    attention = b.attention;
    convFilters = List.copyOf(b.convFilters);
    convKernels = List.copyOf(b.convKernels);
    denseUnits = List.copyOf(b.denseUnits);
    epochs = b.epochs;
    batchSize = b.batchSize;
    learningRate = b.learningRate;
    validationSplit = b.validationSplit;
    maxWindows = b.maxWindows;
    seed = b.seed;
    modelId = b.modelId;
    threads = b.threads;
    reservoirInputStd = b.reservoirInputStd;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults of {@code lsm train}. */
  public static TrainingOptions defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.windowSize = windowSize;
    b.embeddingDim = embeddingDim;
    b.maxFeatures = maxFeatures;
    b.minDf = minDf;
    b.ngramMax = ngramMax;
    b.reservoirUnits = reservoirUnits;
    b.frequencies = frequencies;
    b.amplitudes = amplitudes;
    b.decays = decays;
    b.sparsity = sparsity;
    b.multichannel = multichannel;
    b.attention = attention;
    b.convFilters = convFilters;
    b.convKernels = convKernels;
    b.denseUnits = denseUnits;
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.validationSplit = validationSplit;
    b.maxWindows = maxWindows;
    b.seed = seed;
    b.modelId = modelId;
    b.threads = threads;
    b.reservoirInputStd = reservoirInputStd;
    return b;
  }

  public int windowSize() {
    return windowSize;
  }

  public int embeddingDim() {
    return embeddingDim;
  }

  public int maxFeatures() {
    return maxFeatures;
  }

  public int minDf() {
    return minDf;
  }

  public int ngramMax() {
    return ngramMax;
  }

  public List<Integer> reservoirUnits() {
    return reservoirUnits;
  }

  public double sparsity() {
    return sparsity;
  }

  public boolean multichannel() {
    return multichannel;
  }

  public boolean attention() {
    return attention;
  }

  public List<Integer> convFilters() {
    return convFilters;
  }

  public List<Integer> convKernels() {
    return convKernels;
  }

  public List<Integer> denseUnits() {
    return denseUnits;
  }

  public int epochs() {
    return epochs;
  }

  public int batchSize() {
    return batchSize;
  }

  public double learningRate() {
    return learningRate;
  }

  public double validationSplit() {
    return validationSplit;
  }

  /** Cap on the training windows; 0 means all. */
  public int maxWindows() {
    return maxWindows;
  }

  public long seed() {
    return seed;
  }

  /**
   * Standard deviation the reservoir's pre-activations are calibrated to on the corpus's turn
   * embeddings (1.5 by default, as the reference's calibrate_reservoir); 0 keeps the drawn scale.
   */
  public double reservoirInputStd() {
    return reservoirInputStd;
  }

  /** ND4J threads while the CNN trains (1 by default: on a shared machine parallel kernels stall). */
  public int threads() {
    return threads;
  }

  /** The model id to write, or null to derive one from the corpus and the seed. */
  public String modelId() {
    return modelId;
  }

  public TokenizerConfig tokenizerConfig() {
    return TokenizerConfig.defaults().withMaxFeatures(maxFeatures).withMinDf(minDf).withNgramMax(ngramMax);
  }

  /** The reservoir section: layer i's sine is frequency 1.0 + 0.5·i, amplitude 1, decay 0.1 unless given. */
  public ReservoirConfig reservoirConfig() {
    List<LayerConfig> layers = new ArrayList<>();
    for (int i = 0; i < reservoirUnits.size(); i++) {
      LayerConfig std = LayerConfig.standard(i, reservoirUnits.get(i));
      layers.add(new LayerConfig(reservoirUnits.get(i),
          frequencies == null ? std.frequency() : frequencies.get(i),
          amplitudes == null ? std.amplitude() : amplitudes.get(i),
          decays == null ? std.decay() : decays.get(i)));
    }
    return new ReservoirConfig(sparsity, multichannel, layers);
  }

  public CnnConfig cnnConfig() {
    return new CnnConfig(attention, convFilters, convKernels, denseUnits, CnnConfig.Pooling.GLOBAL_AVERAGE);
  }

  @Override
  public String toString() {
    return "window-size=" + windowSize + " embedding-dim=" + embeddingDim + " max-features=" + maxFeatures
        + " min-df=" + minDf + " ngram-max=" + ngramMax + " reservoir-units=" + reservoirUnits
        + " sparsity=" + sparsity + " multichannel=" + multichannel + " attention=" + attention
        + " conv-filters=" + convFilters + " conv-kernels=" + convKernels + " dense-units=" + denseUnits
        + " epochs=" + epochs + " batch-size=" + batchSize + " learning-rate=" + learningRate
        + " validation-split=" + validationSplit + " max-windows=" + (maxWindows == 0 ? "all" : maxWindows)
        + " seed=" + seed + " threads=" + threads + " reservoir-input-std=" + reservoirInputStd;
  }

  /** Mutable builder; every setter keeps the value as given, {@link #build()} checks them all. */
  public static final class Builder {
    private int windowSize = 10;
    private int embeddingDim = 128;
    private int maxFeatures = 10_000;
    private int minDf = 2;
    private int ngramMax = 2;
    private List<Integer> reservoirUnits = List.of(256, 128, 64);
    private List<Double> frequencies;
    private List<Double> amplitudes;
    private List<Double> decays;
    private double sparsity = 0.1;
    private boolean multichannel = true;
    private boolean attention = true;
    private List<Integer> convFilters = List.of(32, 64, 128);
    private List<Integer> convKernels = List.of(5, 3, 3);
    private List<Integer> denseUnits = List.of(256, 128);
    private int epochs = 20;
    private int batchSize = 32;
    private double learningRate = 0.001;
    private double validationSplit = 0.1;
    private int maxWindows = 0;
    private long seed = 42;
    private String modelId;
    private int threads = 1;
    private double reservoirInputStd = 1.5;

    private Builder() {}

    public Builder windowSize(int v) {
      windowSize = v;
      return this;
    }

    public Builder embeddingDim(int v) {
      embeddingDim = v;
      return this;
    }

    public Builder maxFeatures(int v) {
      maxFeatures = v;
      return this;
    }

    public Builder minDf(int v) {
      minDf = v;
      return this;
    }

    public Builder ngramMax(int v) {
      ngramMax = v;
      return this;
    }

    public Builder reservoirUnits(List<Integer> v) {
      reservoirUnits = Objects.requireNonNull(v, "--reservoir-units");
      return this;
    }

    /** Per-layer sine frequencies; null for the original's 1.0 + 0.5·i. */
    public Builder frequencies(List<Double> v) {
      frequencies = v;
      return this;
    }

    /** Per-layer sine amplitudes; null for 1.0. */
    public Builder amplitudes(List<Double> v) {
      amplitudes = v;
      return this;
    }

    /** Per-layer sine decays; null for 0.1. */
    public Builder decays(List<Double> v) {
      decays = v;
      return this;
    }

    public Builder sparsity(double v) {
      sparsity = v;
      return this;
    }

    public Builder multichannel(boolean v) {
      multichannel = v;
      return this;
    }

    public Builder attention(boolean v) {
      attention = v;
      return this;
    }

    public Builder convFilters(List<Integer> v) {
      convFilters = Objects.requireNonNull(v, "--conv-filters");
      return this;
    }

    public Builder convKernels(List<Integer> v) {
      convKernels = Objects.requireNonNull(v, "--conv-kernels");
      return this;
    }

    public Builder denseUnits(List<Integer> v) {
      denseUnits = Objects.requireNonNull(v, "--dense-units");
      return this;
    }

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder validationSplit(double v) {
      validationSplit = v;
      return this;
    }

    /** 0 for all windows. */
    public Builder maxWindows(int v) {
      maxWindows = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** 0 keeps the drawn kernel scale. */
    public Builder reservoirInputStd(double v) {
      reservoirInputStd = v;
      return this;
    }

    public Builder threads(int v) {
      threads = v;
      return this;
    }

    public Builder modelId(String v) {
      modelId = v;
      return this;
    }

    public TrainingOptions build() {
      atLeast("--window-size", windowSize, 1);
      atLeast("--embedding-dim", embeddingDim, 1);
      atLeast("--max-features", maxFeatures, 1);
      atLeast("--min-df", minDf, 1);
      atLeast("--ngram-max", ngramMax, 1);
      positiveList("--reservoir-units", reservoirUnits);
      int layers = reservoirUnits.size();
      finiteList("--reservoir-frequencies", frequencies, layers);
      finiteList("--reservoir-amplitudes", amplitudes, layers);
      finiteList("--reservoir-decays", decays, layers);
      require(sparsity > 0 && sparsity <= 1, "--sparsity must be in (0, 1], got " + sparsity);
      positiveList("--conv-filters", convFilters);
      positiveList("--conv-kernels", convKernels);
      for (int k : convKernels) {
        require(k % 2 == 1, "--conv-kernels must be odd (\"same\" convolutions), got " + k);
      }
      require(convKernels.size() == convFilters.size(), "--conv-kernels must have one entry per --conv-filters"
          + " entry (" + convFilters.size() + "), got " + convKernels.size());
      for (int u : denseUnits) {
        require(u >= 1, "--dense-units entries must be at least 1, got " + u);
      }
      int minWindow = 1 << (convFilters.size() - 1);
      require(windowSize >= minWindow, "--window-size must be at least 2^(convolutions - 1) = " + minWindow
          + " for " + convFilters.size() + " convolutions, got " + windowSize);
      require(epochs >= 0, "--epochs must be 0 or more, got " + epochs);
      atLeast("--batch-size", batchSize, 1);
      require(Double.isFinite(learningRate) && learningRate > 0,
          "--learning-rate must be a positive number, got " + learningRate);
      require(validationSplit >= 0 && validationSplit < 1,
          "--validation-split must be in [0, 1), got " + validationSplit);
      require(maxWindows >= 0, "--max-windows must be 0 (all) or more, got " + maxWindows);
      require(modelId == null || !modelId.isEmpty(), "--model-id must not be empty");
      atLeast("--threads", threads, 1);
      require(Double.isFinite(reservoirInputStd) && reservoirInputStd >= 0,
          "--reservoir-input-std must be 0 (keep the drawn scale) or a positive number, got " + reservoirInputStd);
      return new TrainingOptions(this);
    }

    private static void atLeast(String option, long value, long min) {
      require(value >= min, option + " must be at least " + min + ", got " + value);
    }

    private static void positiveList(String option, List<Integer> values) {
      require(!values.isEmpty(), option + " needs at least one value");
      for (Integer v : values) {
        require(v != null && v >= 1, option + " entries must be at least 1, got " + v);
      }
    }

    private static void finiteList(String option, List<Double> values, int layers) {
      if (values == null) {
        return;
      }
      require(values.size() == layers, option + " must have one entry per reservoir layer (" + layers
          + "), got " + values.size());
      for (Double v : values) {
        require(v != null && Double.isFinite(v), option + " entries must be finite numbers, got " + v);
      }
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
