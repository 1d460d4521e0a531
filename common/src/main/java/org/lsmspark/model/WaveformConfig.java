package org.lsmspark.model;

/** The {@code waveform} section of {@code model.json} (format v2). */
public record WaveformConfig(Layout layout, boolean inputChannel) {
  public static final WaveformConfig V1 = new WaveformConfig(Layout.ROLLING, false);

  public enum Layout { ROLLING, STACKED }

  public WaveformConfig {
    TokenizerConfig.require(layout != null, "waveform.layout is missing");
  }
}
