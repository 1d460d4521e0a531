package org.lsmspark.model;

import java.util.Locale;

/**
 * The {@code waveform} section of {@code model.json} (format v2): how a window's turns are laid
 * out as the CNN's image, and whether the turn embedding is a channel of its own.
 */
public record WaveformConfig(Layout layout, boolean inputChannel) {
  /** What every format-v1 model uses. */
  public static final WaveformConfig V1 = new WaveformConfig(Layout.ROLLING, false);

  public WaveformConfig {
    Checks.require(layout != null, "waveform.layout is missing");
  }

  /** Row t of the image: the turn's outputs shifted right by t (rolling) or whole (stacked). */
  public enum Layout {
    ROLLING,
    STACKED;

    /** The value in {@code model.json}. */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
