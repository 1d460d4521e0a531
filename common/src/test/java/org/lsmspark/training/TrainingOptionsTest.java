package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.LayerConfig;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.WaveformConfig;

class TrainingOptionsTest {

  @Test
  void defaultsAreAFormatV2ModelTrainedContrastively() {
    TrainingOptions o = TrainingOptions.defaults();
    ModelConfig a = o.architecture();
    assertEquals(2, a.formatVersion());
    assertEquals(10, a.windowSize());
    assertEquals(128, a.embeddingDim());
    assertEquals(10_000, a.tokenizer().maxFeatures());
    assertEquals(new WaveformConfig(WaveformConfig.Layout.STACKED, true), a.waveform());
    assertEquals(List.of(new LayerConfig(128, 1.0, 1.0, 0.1)), a.reservoir().layers());
    assertEquals(new CnnConfig(false, List.of(4), List.of(1), List.of(256), CnnConfig.Pooling.FLATTEN), a.cnn());
    assertNull(o.modelId());
    FitConfig f = o.fit();
    assertEquals(new FitConfig(8, 512, 0.001, 0.1, 0, 42, 1, 1.5, TrainingOptions.Loss.CONTRASTIVE, 0.05, 0.3, 2), f);
  }

  @Test
  void theArchitectureTakesTheModelIdItIsGiven() {
    assertEquals("m1", TrainingOptions.builder().modelId("m1").build().architecture().modelId());
    assertEquals("other", TrainingOptions.defaults().architecture("other").modelId());
  }

  @Test
  void givenSineParametersReplaceTheDefaults() {
    TrainingOptions o = TrainingOptions.builder().reservoirUnits(List.of(8, 4)).frequencies(List.of(3.0, 4.0))
        .decays(List.of(0.0, 0.5)).build();
    assertEquals(List.of(new LayerConfig(8, 3.0, 1.0, 0.0), new LayerConfig(4, 4.0, 1.0, 0.5)),
        o.architecture().reservoir().layers());
  }

  @Test
  void invalidValuesAreRefusedWithTheirName() {
    refused(b -> b.windowSize(0), "window_size must be at least");
    refused(b -> b.convFilters(List.of(4, 4, 4)).convKernels(List.of(1, 1, 1)).windowSize(3), "window_size must be at least");
    refused(b -> b.embeddingDim(-1), "embedding_dim must be at least 1, got -1");
    refused(b -> b.maxFeatures(0), "max_features must be at least 1, got 0");
    refused(b -> b.reservoirUnits(List.of()), "--reservoir-units needs at least one value");
    refused(b -> b.reservoirUnits(List.of(4, 0)), "units must be at least 1, got 0");
    refused(b -> b.frequencies(List.of(1.0, 2.0)), "--reservoir-frequencies must have one entry per reservoir layer (1), got 2");
    refused(b -> b.decays(List.of(Double.NaN)), "--reservoir-decays entries must be finite numbers, got NaN");
    refused(b -> b.sparsity(1.5), "sparsity must be in (0, 1], got 1.5");
    refused(b -> b.convKernels(List.of(4)), "conv_kernels must be odd");
    refused(b -> b.convKernels(List.of(1, 3)), "conv_kernels must have one entry per conv_filters entry (1)");
    refused(b -> b.epochs(-1), "--epochs must be 0 or more, got -1");
    refused(b -> b.batchSize(0), "--batch-size must be at least 1, got 0");
    refused(b -> b.learningRate(0), "--learning-rate must be a positive number, got 0.0");
    refused(b -> b.validationSplit(1), "--validation-split must be in [0, 1), got 1.0");
    refused(b -> b.maxWindows(-5), "--max-windows must be 0 (all) or more, got -5");
    refused(b -> b.threads(0), "--threads must be at least 1, got 0");
    refused(b -> b.reservoirInputStd(-1), "--reservoir-input-std must be 0 (keep the drawn scale) or a positive number, got -1.0");
    refused(b -> b.temperature(0), "--temperature must be a positive number, got 0.0");
    refused(b -> b.dropout(1), "--dropout must be in [0, 1), got 1.0");
    refused(b -> b.patience(0), "--patience must be at least 1, got 0");
    refused(b -> b.modelId(""), "--model-id must not be empty");
  }

  @Test
  void noDenseLayersAreAllowed() {
    assertEquals(List.of(), TrainingOptions.builder().denseUnits(List.of()).build().architecture().cnn().denseUnits());
  }

  private static void refused(UnaryOperator<TrainingOptions.Builder> change, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> change.apply(TrainingOptions.builder()).build());
    assertEquals(true, e.getMessage().contains(message), "message: " + e.getMessage());
  }
}
