package org.lsmspark.reservoir;

import java.util.List;
import org.lsmspark.model.LayerConfig;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;

/**
 * The sparse reservoir: per layer h = s(x · (kernel ⊙ mask) + bias) with the parametric sine
 * s(z) = amplitude · exp(−decay·|z|) · sin(frequency·z). The masked kernel is kept sparse
 * (row-compressed), so the work follows the mask's density. Immutable and thread-safe.
 */
public final class Reservoir {
  private final Layer[] layers;
  private final int inputDim;

  private Reservoir(Layer[] layers, int inputDim) {
    this.layers = layers;
    this.inputDim = inputDim;
  }

  public static Reservoir of(ModelBundle bundle) {
    ModelConfig config = bundle.config();
    List<LayerConfig> specs = config.reservoir().layers();
    Layer[] layers = new Layer[specs.size()];
    int in = config.embeddingDim();
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new Layer(specs.get(i), in, bundle.tensor(WeightFiles.reservoirKernel(i)),
          bundle.tensor(WeightFiles.reservoirMask(i)), bundle.tensor(WeightFiles.reservoirBias(i)));
      in = specs.get(i).units();
    }
    return new Reservoir(layers, config.embeddingDim());
  }

  public int layerCount() {
    return layers.length;
  }

  public int units(int layer) {
    return layers[layer].units;
  }

  /** One turn's embedding (copied) with every layer's output. */
  public TurnState turn(float[] embedding) {
    return new TurnState(embedding.clone(), run(embedding));
  }

  /** Every layer's output for one turn embedding, layer 0 first. */
  public double[][] run(float[] embedding) {
    if (embedding.length != inputDim) {
      throw new IllegalArgumentException("embedding has " + embedding.length + " values, expected " + inputDim);
    }
    double[][] outputs = new double[layers.length][];
    double[] x = new double[inputDim];
    for (int i = 0; i < inputDim; i++) {
      x[i] = embedding[i];
    }
    for (int l = 0; l < layers.length; l++) {
      x = layers[l].apply(x);
      outputs[l] = x;
    }
    return outputs;
  }

  private static final class Layer {
    final int units;
    final double frequency;
    final double amplitude;
    final double decay;
    final double[] bias;
    // row i's nonzero weights are cols/values[rowStart[i] .. rowStart[i+1])
    final int[] rowStart;
    final int[] cols;
    final double[] values;

    Layer(LayerConfig spec, int in, Tensor kernel, Tensor mask, Tensor biasTensor) {
      this.units = spec.units();
      this.frequency = spec.frequency();
      this.amplitude = spec.amplitude();
      this.decay = spec.decay();
      this.bias = new double[units];
      for (int j = 0; j < units; j++) {
        bias[j] = biasTensor.get(j);
      }
      int nnz = 0;
      for (int k = 0; k < in * units; k++) {
        if (mask.get(k) != 0f && kernel.get(k) != 0f) {
          nnz++;
        }
      }
      rowStart = new int[in + 1];
      cols = new int[nnz];
      values = new double[nnz];
      int p = 0;
      for (int i = 0; i < in; i++) {
        rowStart[i] = p;
        for (int j = 0; j < units; j++) {
          int k = i * units + j;
          if (mask.get(k) != 0f && kernel.get(k) != 0f) {
            cols[p] = j;
            values[p++] = kernel.get(k);
          }
        }
      }
      rowStart[in] = p;
    }

    double[] apply(double[] x) {
      double[] z = bias.clone();
      for (int i = 0; i < x.length; i++) {
        double xi = x[i];
        if (xi == 0) {
          continue;
        }
        for (int p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
          z[cols[p]] += xi * values[p];
        }
      }
      for (int j = 0; j < units; j++) {
        z[j] = amplitude * Math.exp(-decay * Math.abs(z[j])) * Math.sin(frequency * z[j]);
      }
      return z;
    }
  }
}
