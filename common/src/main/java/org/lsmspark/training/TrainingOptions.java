package org.lsmspark.training;

import static org.lsmspark.model.Checks.require;

import java.util.ArrayList;
import java.util.List;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.LayerConfig;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.ReservoirConfig;
import org.lsmspark.model.TokenizerConfig;
import org.lsmspark.model.WaveformConfig;

/**
 * Everything {@code lsm train} can be told: the model's architecture (a {@link ModelConfig}, which
 * validates itself) and how to fit it (a {@link FitConfig}). Built with {@link #builder()};
 * {@link Builder#build()} throws {@link IllegalArgumentException} naming what is wrong.
 */
public final class TrainingOptions {
  /** What training minimises: {@code lsm train --loss}. */
  public enum Loss { CONTRASTIVE, MSE }

  /** Stands in for the model id until the trainer derives one from the corpus. */
  private static final String UNNAMED = "unnamed";

  private final ModelConfig architecture;
  private final String modelId;
  private final FitConfig fit;

  private TrainingOptions(ModelConfig architecture, String modelId, FitConfig fit) {
    this.architecture = architecture;
    this.modelId = modelId;
    this.fit = fit;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults of {@code lsm train}. */
  public static TrainingOptions defaults() {
    return builder().build();
  }

  /** The architecture under {@code id}. */
  public ModelConfig architecture(String id) {
    return architecture.withModelId(id);
  }

  /** The architecture; its model id is a placeholder unless {@link #modelId()} was given. */
  public ModelConfig architecture() {
    return architecture;
  }

  /** The model id to record; null to derive one from the corpus and the seed. */
  public String modelId() {
    return modelId;
  }

  public FitConfig fit() {
    return fit;
  }

  @Override
  public String toString() {
    ModelConfig a = architecture;
    CnnConfig c = a.cnn();
    List<Integer> units = new ArrayList<>();
    a.reservoir().layers().forEach(l -> units.add(l.units()));
    return "window-size=" + a.windowSize() + " embedding-dim=" + a.embeddingDim()
        + " max-features=" + a.tokenizer().maxFeatures() + " min-df=" + a.tokenizer().minDf()
        + " ngram-max=" + a.tokenizer().ngramMax() + " reservoir-units=" + units
        + " sparsity=" + a.reservoir().sparsity() + " multichannel=" + a.reservoir().multichannel()
        + " waveform=" + a.waveform().layout().name().toLowerCase(java.util.Locale.ROOT)
        + " input-channel=" + a.waveform().inputChannel() + " attention=" + c.useAttention()
        + " conv-filters=" + c.convFilters() + " conv-kernels=" + c.convKernels()
        + " pooling=" + c.pooling().name().toLowerCase(java.util.Locale.ROOT) + " dense-units=" + c.denseUnits()
        + " loss=" + fit.loss().name().toLowerCase(java.util.Locale.ROOT) + " temperature=" + fit.temperature()
        + " dropout=" + fit.dropout() + " epochs=" + fit.epochs() + " patience=" + fit.patience()
        + " batch-size=" + fit.batchSize() + " learning-rate=" + fit.learningRate()
        + " validation-split=" + fit.validationSplit()
        + " max-windows=" + (fit.maxWindows() == 0 ? "all" : fit.maxWindows()) + " seed=" + fit.seed()
        + " threads=" + fit.threads() + " reservoir-input-std=" + fit.reservoirInputStd();
  }

  /**
   * Mutable builder with the defaults of {@code lsm train}: a format-v2 model (stacked waveform with
   * the turn embedding as a channel, one 1×1 convolution, flatten) trained with the contrastive loss.
   */
  public static final class Builder {
    private int windowSize = 10;
    private int embeddingDim = 128;
    private TokenizerConfig tokenizer = TokenizerConfig.defaults();
    private List<Integer> reservoirUnits = List.of(128);
    private List<Double> frequencies;
    private List<Double> amplitudes;
    private List<Double> decays;
    private double sparsity = 0.1;
    private boolean multichannel = true;
    private WaveformConfig waveform = new WaveformConfig(WaveformConfig.Layout.STACKED, true);
    private boolean attention = false;
    private List<Integer> convFilters = List.of(4);
    private List<Integer> convKernels = List.of(1);
    private CnnConfig.Pooling pooling = CnnConfig.Pooling.FLATTEN;
    private List<Integer> denseUnits = List.of(256);
    private String modelId;
    private int epochs = 8;
    private int batchSize = 512;
    private double learningRate = 0.001;
    private double validationSplit = 0.1;
    private int maxWindows = 0;
    private long seed = 42;
    private int threads = 1;
    private double reservoirInputStd = 1.5;
    private Loss loss = Loss.CONTRASTIVE;
    private double temperature = 0.05;
    private double dropout = 0.3;
    private int patience = 2;

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
      tokenizer = tokenizer.withMaxFeatures(v);
      return this;
    }

    public Builder minDf(int v) {
      tokenizer = tokenizer.withMinDf(v);
      return this;
    }

    public Builder ngramMax(int v) {
      tokenizer = tokenizer.withNgramMax(v);
      return this;
    }

    public Builder reservoirUnits(List<Integer> v) {
      reservoirUnits = v;
      return this;
    }

    /** Sine frequency per layer; null for 1.0 + 0.5·i. */
    public Builder frequencies(List<Double> v) {
      frequencies = v;
      return this;
    }

    /** Sine amplitude per layer; null for 1. */
    public Builder amplitudes(List<Double> v) {
      amplitudes = v;
      return this;
    }

    /** Sine decay per layer; null for 0.1. */
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

    public Builder waveform(WaveformConfig v) {
      waveform = v;
      return this;
    }

    public Builder attention(boolean v) {
      attention = v;
      return this;
    }

    public Builder convFilters(List<Integer> v) {
      convFilters = v;
      return this;
    }

    public Builder convKernels(List<Integer> v) {
      convKernels = v;
      return this;
    }

    public Builder pooling(CnnConfig.Pooling v) {
      pooling = v;
      return this;
    }

    public Builder denseUnits(List<Integer> v) {
      denseUnits = v;
      return this;
    }

    public Builder modelId(String v) {
      modelId = v;
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

    public Builder maxWindows(int v) {
      maxWindows = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder threads(int v) {
      threads = v;
      return this;
    }

    public Builder reservoirInputStd(double v) {
      reservoirInputStd = v;
      return this;
    }

    public Builder loss(Loss v) {
      loss = v;
      return this;
    }

    public Builder temperature(double v) {
      temperature = v;
      return this;
    }

    public Builder dropout(double v) {
      dropout = v;
      return this;
    }

    public Builder patience(int v) {
      patience = v;
      return this;
    }

    public TrainingOptions build() {
      require(modelId == null || !modelId.isEmpty(), "--model-id must not be empty");
      require(reservoirUnits != null && !reservoirUnits.isEmpty(), "--reservoir-units needs at least one value");
      int layers = reservoirUnits.size();
      perLayer("--reservoir-frequencies", frequencies, layers);
      perLayer("--reservoir-amplitudes", amplitudes, layers);
      perLayer("--reservoir-decays", decays, layers);
      List<LayerConfig> layerConfigs = new ArrayList<>();
      for (int i = 0; i < layers; i++) {
        Integer units = reservoirUnits.get(i);
        require(units != null, "--reservoir-units entries must be numbers");
        LayerConfig std = LayerConfig.standard(i, units);
        layerConfigs.add(new LayerConfig(units, frequencies == null ? std.frequency() : frequencies.get(i),
            amplitudes == null ? std.amplitude() : amplitudes.get(i), decays == null ? std.decay() : decays.get(i)));
      }
      ModelConfig architecture = new ModelConfig(modelId == null ? UNNAMED : modelId, windowSize, embeddingDim,
          tokenizer, new ReservoirConfig(sparsity, multichannel, layerConfigs), waveform,
          new CnnConfig(attention, convFilters, convKernels, denseUnits, pooling));
      FitConfig fit = new FitConfig(epochs, batchSize, learningRate, validationSplit, maxWindows, seed, threads,
          reservoirInputStd, loss, temperature, dropout, patience);
      return new TrainingOptions(architecture, modelId, fit);
    }

    private static void perLayer(String option, List<Double> values, int layers) {
      if (values == null) {
        return;
      }
      require(values.size() == layers, option + " must have one entry per reservoir layer (" + layers
          + "), got " + values.size());
      for (Double v : values) {
        require(v != null && Double.isFinite(v), option + " entries must be finite numbers, got " + v);
      }
    }
  }
}
