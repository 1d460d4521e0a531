package org.lsmspark.reservoir;

import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.WaveformConfig;

/** Lays a window's turn states out as an H×Wd×C image (rolling or stacked, see the format). */
public final class Waveform {
  private final int height;
  private final int width;
  private final boolean stacked;
  private final boolean inputChannel;
  private final int[] layerOfChannel;

  private Waveform(ModelConfig c) {
    height = c.waveHeight();
    width = c.waveWidth();
    stacked = c.waveform().layout() == WaveformConfig.Layout.STACKED;
    inputChannel = c.waveform().inputChannel();
    int layers = c.reservoir().layers().size();
    if (c.reservoir().multichannel()) {
      layerOfChannel = new int[layers];
      for (int i = 0; i < layers; i++) {
        layerOfChannel[i] = i;
      }
    } else {
      layerOfChannel = new int[] {layers - 1};
    }
  }

  public static Waveform of(ModelConfig c) {
    return new Waveform(c);
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int channels() {
    return layerOfChannel.length + (inputChannel ? 1 : 0);
  }

  public int size() {
    return height * width * channels();
  }

  public void render(float[][] embeddings, double[][][] layerOutputs, double[] wave, int offset) {
    int channels = channels();
    java.util.Arrays.fill(wave, offset, offset + size(), 0.0);
    for (int t = 0; t < height; t++) {
      for (int c = 0; c < channels; c++) {
        int shift = stacked ? 0 : t;
        int last;
        if (inputChannel && c == 0) {
          float[] e = embeddings[t];
          last = Math.min(width, shift + e.length);
          for (int j = shift; j < last; j++) {
            wave[offset + (t * width + j) * channels + c] = e[j - shift];
          }
        } else {
          double[] h = layerOutputs[t][layerOfChannel[c - (inputChannel ? 1 : 0)]];
          last = Math.min(width, shift + h.length);
          for (int j = shift; j < last; j++) {
            wave[offset + (t * width + j) * channels + c] = h[j - shift];
          }
        }
      }
    }
  }
}
