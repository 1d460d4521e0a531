package org.lsmspark.model;

import static org.lsmspark.model.Checks.require;

/** One reservoir layer: its width and the parameters of its sine activation. */
public record LayerConfig(int units, double frequency, double amplitude, double decay) {
  public LayerConfig {
    require(units >= 1, "reservoir layer units must be at least 1, got " + units);
    require(Double.isFinite(frequency) && Double.isFinite(amplitude) && Double.isFinite(decay),
        "reservoir layer frequency, amplitude and decay must be finite numbers");
  }

  /** The original's activation for layer {@code i}: frequency 1.0 + 0.5·i, amplitude 1, decay 0.1. */
  public static LayerConfig standard(int index, int units) {
    return new LayerConfig(units, 1.0 + 0.5 * index, 1.0, 0.1);
  }
}
