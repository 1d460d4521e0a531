package org.lsmspark.training;

import java.util.Map;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;

/** Picks the network that trains a configuration's CNN: the hand-written one when it can, SameDiff otherwise. */
final class CnnNetworks {
  /** Dropout after convolutions in the SameDiff network, as the original: the last conv block, then the others. */
  static final double LAST_CONV_DROPOUT = 0.5;
  static final double CONV_DROPOUT = 0.25;

  private CnnNetworks() {}

  static CnnNetwork create(ModelConfig config, Map<String, Tensor> init, FitConfig fit) {
    if (PointwiseCnn.supports(config.cnn())) {
      return new PointwiseCnn(config, init, fit.learningRate(), 0.0, fit.dropout());
    }
    return new SameDiffCnn(config, init, fit.learningRate(), CONV_DROPOUT, LAST_CONV_DROPOUT, fit.dropout());
  }
}
