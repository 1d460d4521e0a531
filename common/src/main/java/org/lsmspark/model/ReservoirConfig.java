package org.lsmspark.model;

import static org.lsmspark.model.Checks.require;

import java.util.List;

/** The {@code reservoir} section of {@code model.json}. */
public record ReservoirConfig(double sparsity, boolean multichannel, List<LayerConfig> layers) {
  public ReservoirConfig {
    require(sparsity > 0 && sparsity <= 1, "reservoir sparsity must be in (0, 1], got " + sparsity);
    require(layers != null && !layers.isEmpty(), "reservoir needs at least one layer");
    layers = List.copyOf(layers);
  }

  /** Number of waveform channels: every layer when multichannel, else only the last. */
  public int channels() {
    return multichannel ? layers.size() : 1;
  }
}
