package org.lsmspark.reservoir;

import java.util.Arrays;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.WaveformConfig;

/**
 * Lays a window's W turns out as the CNN's [H, Wd, C] image, height-width-channel (H = W).
 * Channels: the turn embedding when the model has an input channel, then every reservoir layer
 * (multichannel) or only the last. Rolling (format v1): {@code wave[t][j][c] = h_c(t)[j − t]} for
 * {@code 0 ≤ j − t < n_c}; stacked: {@code wave[t][j][c] = h_c(t)[j]} for {@code j < n_c}; else 0.
 * Immutable; rendering allocates nothing.
 */
public final class Waveform {
  private final boolean stacked;
  private final boolean inputChannel;
  private final int height;
  private final int width;
  private final int embeddingDim;
  /** The reservoir layer each channel shows; −1 for the input channel. */
  private final int[] layerOfChannel;

  private Waveform(ModelConfig config) {
    this.stacked = config.waveform().layout() == WaveformConfig.Layout.STACKED;
    this.inputChannel = config.waveform().inputChannel();
    this.height = config.waveHeight();
    this.width = config.waveWidth();
    this.embeddingDim = config.embeddingDim();
    int layers = config.reservoir().layers().size();
    int[] map = new int[config.channels()];
    int c = 0;
    if (inputChannel) {
      map[c++] = -1;
    }
    for (int l = config.reservoir().multichannel() ? 0 : layers - 1; l < layers; l++) {
      map[c++] = l;
    }
    this.layerOfChannel = map;
  }

  public static Waveform of(ModelConfig config) {
    return new Waveform(config);
  }

  /** H: one row per turn of the window. */
  public int height() {
    return height;
  }

  /** Wd: W for rolling, the longest channel for stacked. */
  public int width() {
    return width;
  }

  public int channels() {
    return layerOfChannel.length;
  }

  /** Whether channel 0 is the turn embedding, so {@link #render} needs the embeddings. */
  public boolean hasInputChannel() {
    return inputChannel;
  }

  /** Values in one waveform: H·Wd·C. */
  public int size() {
    return height * width * layerOfChannel.length;
  }

  /** Writes the image of {@code window} (oldest turn first) into {@code wave} at {@code offset}. */
  public void render(TurnState[] window, double[] wave, int offset) {
    checkTurns(window.length);
    int channels = layerOfChannel.length;
    Arrays.fill(wave, offset, offset + size(), 0.0);
    for (int t = 0; t < height; t++) {
      for (int c = 0; c < channels; c++) {
        int layer = layerOfChannel[c];
        if (layer < 0) {
          writeRow(window[t].embedding, t, c, wave, offset);
        } else {
          writeRow(window[t].layerOutputs[layer], t, c, wave, offset);
        }
      }
    }
  }

  private void checkTurns(int turns) {
    if (turns != height) {
      throw new IllegalArgumentException("window has " + turns + " turns, expected " + height);
    }
  }

  private void writeRow(double[] h, int t, int c, double[] wave, int offset) {
    int channels = layerOfChannel.length;
    int shift = stacked ? 0 : t;
    int last = Math.min(width, shift + h.length);
    for (int j = shift; j < last; j++) {
      wave[offset + (t * width + j) * channels + c] = h[j - shift];
    }
  }

  private void writeRow(float[] e, int t, int c, double[] wave, int offset) {
    if (e.length != embeddingDim) {
      throw new IllegalArgumentException("turn " + t + "'s embedding has " + e.length + " values, expected "
          + embeddingDim);
    }
    int channels = layerOfChannel.length;
    int shift = stacked ? 0 : t;
    int last = Math.min(width, shift + e.length);
    for (int j = shift; j < last; j++) {
      wave[offset + (t * width + j) * channels + c] = e[j - shift];
    }
  }
}
