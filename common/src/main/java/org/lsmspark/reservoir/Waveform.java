package org.lsmspark.reservoir;

/**
 * Lays the reservoir outputs of a window's W turns out as a W×W×C image, height-width-channel:
 * {@code wave[t][j][c] = h_c(turn t)[j − t]} for {@code 0 ≤ j − t < units_c}, else 0.
 */
public final class Waveform {
  private final int window;
  private final int[] layerOfChannel;

  private Waveform(int window, int[] layerOfChannel) {
    this.window = window;
    this.layerOfChannel = layerOfChannel;
  }

  /** Every layer a channel when {@code multichannel}, else only the last one. */
  public static Waveform of(int window, int layers, boolean multichannel) {
    int[] map = multichannel ? new int[layers] : new int[] {layers - 1};
    if (multichannel) {
      for (int c = 0; c < layers; c++) {
        map[c] = c;
      }
    }
    return new Waveform(window, map);
  }

  public int window() {
    return window;
  }

  public int channels() {
    return layerOfChannel.length;
  }

  /** Values in one waveform: W·W·C. */
  public int size() {
    return window * window * layerOfChannel.length;
  }

  /**
   * Writes the image of one window into {@code wave} at {@code offset}.
   *
   * @param turns per turn (oldest first), every reservoir layer's output, as {@link Reservoir#run}
   */
  public void render(double[][][] turns, double[] wave, int offset) {
    if (turns.length != window) {
      throw new IllegalArgumentException("window has " + turns.length + " turns, expected " + window);
    }
    int channels = layerOfChannel.length;
    java.util.Arrays.fill(wave, offset, offset + size(), 0.0);
    for (int t = 0; t < window; t++) {
      for (int c = 0; c < channels; c++) {
        double[] h = turns[t][layerOfChannel[c]];
        int last = Math.min(window, t + h.length);
        for (int j = t; j < last; j++) {
          wave[offset + (t * window + j) * channels + c] = h[j - t];
        }
      }
    }
  }
}
