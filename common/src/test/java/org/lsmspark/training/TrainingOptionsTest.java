package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.LayerConfig;

class TrainingOptionsTest {

  @Test
  void defaultsAreTheOriginals() {
    TrainingOptions o = TrainingOptions.defaults();
    assertEquals(10, o.windowSize());
    assertEquals(128, o.embeddingDim());
    assertEquals(10_000, o.maxFeatures());
    assertEquals(2, o.minDf());
    assertEquals(2, o.ngramMax());
    assertEquals(List.of(256, 128, 64), o.reservoirUnits());
    assertEquals(0.1, o.sparsity());
    assertEquals(List.of(32, 64, 128), o.convFilters());
    assertEquals(List.of(5, 3, 3), o.convKernels());
    assertEquals(List.of(256, 128), o.denseUnits());
    assertEquals(20, o.epochs());
    assertEquals(32, o.batchSize());
    assertEquals(0.001, o.learningRate());
    assertEquals(0.1, o.validationSplit());
    assertEquals(0, o.maxWindows());
    assertEquals(42, o.seed());
    assertEquals(1, o.threads());
    assertEquals(1.5, o.reservoirInputStd());
    assertEquals(List.of(new LayerConfig(256, 1.0, 1.0, 0.1), new LayerConfig(128, 1.5, 1.0, 0.1),
        new LayerConfig(64, 2.0, 1.0, 0.1)), o.reservoirConfig().layers());
    assertEquals(3, o.reservoirConfig().channels());
  }

  @Test
  void givenSineParametersReplaceTheDefaults() {
    TrainingOptions o = TrainingOptions.builder().reservoirUnits(List.of(8, 4)).frequencies(List.of(3.0, 4.0))
        .decays(List.of(0.0, 0.5)).build();
    assertEquals(List.of(new LayerConfig(8, 3.0, 1.0, 0.0), new LayerConfig(4, 4.0, 1.0, 0.5)),
        o.reservoirConfig().layers());
  }

  @Test
  void invalidValuesNameTheOptionAndTheRange() {
    refused(b -> b.windowSize(0), "--window-size must be at least 1, got 0");
    refused(b -> b.windowSize(3), "--window-size must be at least 2^(convolutions - 1) = 4 for 3 convolutions, got 3");
    refused(b -> b.embeddingDim(-1), "--embedding-dim must be at least 1, got -1");
    refused(b -> b.maxFeatures(0), "--max-features must be at least 1, got 0");
    refused(b -> b.minDf(0), "--min-df must be at least 1, got 0");
    refused(b -> b.ngramMax(0), "--ngram-max must be at least 1, got 0");
    refused(b -> b.reservoirUnits(List.of()), "--reservoir-units needs at least one value");
    refused(b -> b.reservoirUnits(List.of(4, 0)), "--reservoir-units entries must be at least 1, got 0");
    refused(b -> b.frequencies(List.of(1.0)), "--reservoir-frequencies must have one entry per reservoir layer (3), got 1");
    refused(b -> b.decays(List.of(1.0, Double.NaN, 2.0)), "--reservoir-decays entries must be finite numbers, got NaN");
    refused(b -> b.sparsity(0), "--sparsity must be in (0, 1], got 0.0");
    refused(b -> b.sparsity(1.5), "--sparsity must be in (0, 1], got 1.5");
    refused(b -> b.convKernels(List.of(5, 4, 3)), "--conv-kernels must be odd (\"same\" convolutions), got 4");
    refused(b -> b.convKernels(List.of(5, 3)), "--conv-kernels must have one entry per --conv-filters entry (3), got 2");
    refused(b -> b.convFilters(List.of(0, 1, 2)), "--conv-filters entries must be at least 1, got 0");
    refused(b -> b.denseUnits(List.of(0)), "--dense-units entries must be at least 1, got 0");
    refused(b -> b.epochs(-1), "--epochs must be 0 or more, got -1");
    refused(b -> b.batchSize(0), "--batch-size must be at least 1, got 0");
    refused(b -> b.learningRate(0), "--learning-rate must be a positive number, got 0.0");
    refused(b -> b.validationSplit(1), "--validation-split must be in [0, 1), got 1.0");
    refused(b -> b.maxWindows(-5), "--max-windows must be 0 (all) or more, got -5");
    refused(b -> b.threads(0), "--threads must be at least 1, got 0");
    refused(b -> b.reservoirInputStd(-1), "--reservoir-input-std must be 0 (keep the drawn scale) or a positive number, got -1.0");
  }

  @Test
  void noDenseLayersAreAllowed() {
    assertEquals(List.of(), TrainingOptions.builder().denseUnits(List.of()).build().cnnConfig().denseUnits());
  }

  private static void refused(UnaryOperator<TrainingOptions.Builder> change, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> change.apply(TrainingOptions.builder()).build());
    assertEquals(message, e.getMessage());
  }
}
