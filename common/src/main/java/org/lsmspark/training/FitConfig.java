package org.lsmspark.training;

import static org.lsmspark.model.Checks.require;

/**
 * How a model is fitted, as opposed to what it is ({@link org.lsmspark.model.ModelConfig}).
 * Messages name the {@code lsm train} option and its valid range.
 *
 * @param maxWindows cap on training windows, a seeded sample; 0 for all
 * @param reservoirInputStd scale reservoir kernels so pre-activations have this std; 0 keeps the drawn scale
 * @param threads ND4J threads while the CNN trains
 * @param temperature divides the cosine similarities of the contrastive loss
 * @param dropout rate after every dense layer while training
 * @param patience epochs without a better validation score before training stops
 */
public record FitConfig(int epochs, int batchSize, double learningRate, double validationSplit, int maxWindows,
    long seed, int threads, double reservoirInputStd, TrainingOptions.Loss loss, double temperature,
    double dropout, int patience) {

  public FitConfig {
    require(epochs >= 0, "--epochs must be 0 or more, got " + epochs);
    require(batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
    require(Double.isFinite(learningRate) && learningRate > 0,
        "--learning-rate must be a positive number, got " + learningRate);
    require(validationSplit >= 0 && validationSplit < 1, "--validation-split must be in [0, 1), got " + validationSplit);
    require(maxWindows >= 0, "--max-windows must be 0 (all) or more, got " + maxWindows);
    require(threads >= 1, "--threads must be at least 1, got " + threads);
    require(Double.isFinite(reservoirInputStd) && reservoirInputStd >= 0,
        "--reservoir-input-std must be 0 (keep the drawn scale) or a positive number, got " + reservoirInputStd);
    require(loss != null, "--loss is missing");
    require(Double.isFinite(temperature) && temperature > 0, "--temperature must be a positive number, got " + temperature);
    require(dropout >= 0 && dropout < 1, "--dropout must be in [0, 1), got " + dropout);
    require(patience >= 1, "--patience must be at least 1, got " + patience);
  }
}
