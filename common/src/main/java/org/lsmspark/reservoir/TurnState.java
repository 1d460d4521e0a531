package org.lsmspark.reservoir;

import java.util.Arrays;

/**
 * One turn as the waveform sees it: its embedding and every reservoir layer's output. Immutable:
 * the arrays are private, filled once by {@link Reservoir#turn}, and handed out as copies.
 */
public final class TurnState {
  final float[] embedding;
  final double[][] layerOutputs;

  TurnState(float[] embedding, double[][] layerOutputs) {
    this.embedding = embedding;
    this.layerOutputs = layerOutputs;
  }

  public float[] embedding() {
    return embedding.clone();
  }

  public int layerCount() {
    return layerOutputs.length;
  }

  /** Reservoir layer {@code layer}'s output, layer 0 first. */
  public double[] layerOutput(int layer) {
    return layerOutputs[layer].clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TurnState s && Arrays.equals(embedding, s.embedding)
        && Arrays.deepEquals(layerOutputs, s.layerOutputs);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(embedding) + Arrays.deepHashCode(layerOutputs);
  }
}
