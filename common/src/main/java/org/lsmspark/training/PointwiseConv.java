package org.lsmspark.training;

import java.util.Map;
import java.util.Random;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;

/**
 * The 1×1 convolution block of {@link PointwiseCnn}, BN(relu(x · kernel + bias)) at every
 * position, in plain Java: its inner dimensions are the few channels and filters, where a native
 * matrix product over a million short rows spends its time in dispatch and strided reductions.
 * Training mode normalises with the batch's statistics and updates the moving ones.
 */
final class PointwiseConv {
  private final String name;
  private final int in;
  private final int out;
  private final float[] kernel;
  private final float[] bias;
  private final float[] gamma;
  private final float[] beta;
  private final float[] movingMean;
  private final float[] movingVariance;
  private final int[] handles;
  private final Adam adam;
  private final double dropout;
  // kept from the training forward pass for the backward one
  private float[] input;
  private float[] normalized;
  private float[] mask;
  private double[] inverseStd;
  private int rows;
  private float[][] grads;

  PointwiseConv(String name, Map<String, Tensor> init, Adam adam, double dropout) {
    this.name = name;
    Tensor k = Layers.tensor(init, name + ".kernel");
    this.in = k.shape()[2];
    this.out = k.shape()[3];
    this.kernel = k.toArray();
    this.bias = Layers.tensor(init, name + ".bias").toArray();
    this.gamma = Layers.tensor(init, name + ".bn.gamma").toArray();
    this.beta = Layers.tensor(init, name + ".bn.beta").toArray();
    this.movingMean = Layers.tensor(init, name + ".bn.mean").toArray();
    this.movingVariance = Layers.tensor(init, name + ".bn.variance").toArray();
    this.adam = adam;
    this.dropout = dropout;
    this.handles = new int[] {adam.register(kernel.length), adam.register(out), adam.register(out), adam.register(out)};
  }

  int filters() {
    return out;
  }

  /** {@code rows} positions of {@code in} channels → {@code rows × out} values. */
  float[] forward(float[] x, int rows, boolean training, Random rng) {
    float[] z = new float[rows * out];
    for (int r = 0; r < rows; r++) {
      int xo = r * in;
      int zo = r * out;
      for (int f = 0; f < out; f++) {
        double s = bias[f];
        for (int c = 0; c < in; c++) {
          s += x[xo + c] * kernel[c * out + f];
        }
        z[zo + f] = s > 0 ? (float) s : 0f;
      }
    }
    double[] mean = new double[out];
    double[] variance = new double[out];
    if (training) {
      for (int r = 0; r < rows; r++) {
        for (int f = 0; f < out; f++) {
          mean[f] += z[r * out + f];
        }
      }
      for (int f = 0; f < out; f++) {
        mean[f] /= rows;
      }
      for (int r = 0; r < rows; r++) {
        for (int f = 0; f < out; f++) {
          double d = z[r * out + f] - mean[f];
          variance[f] += d * d;
        }
      }
      for (int f = 0; f < out; f++) {
        variance[f] /= rows;
        movingMean[f] = (float) (PointwiseCnn.BN_MOMENTUM * movingMean[f] + (1 - PointwiseCnn.BN_MOMENTUM) * mean[f]);
        movingVariance[f] = (float) (PointwiseCnn.BN_MOMENTUM * movingVariance[f]
            + (1 - PointwiseCnn.BN_MOMENTUM) * variance[f]);
      }
    } else {
      for (int f = 0; f < out; f++) {
        mean[f] = movingMean[f];
        variance[f] = movingVariance[f];
      }
    }
    double[] invStd = new double[out];
    for (int f = 0; f < out; f++) {
      invStd[f] = 1.0 / Math.sqrt(variance[f] + PointwiseCnn.BN_EPSILON);
    }
    float[] y = new float[rows * out];
    // z keeps relu(z) > 0 as the ReLU's gate; x̂ overwrites nothing we need
    float[] xh = training ? new float[rows * out] : null;
    for (int i = 0; i < y.length; i++) {
      int f = i % out;
      double h = (z[i] - mean[f]) * invStd[f];
      if (xh != null) {
        xh[i] = (float) h;
      }
      y[i] = (float) (gamma[f] * h + beta[f]);
    }
    if (training) {
      this.input = x;
      this.rows = rows;
      this.normalized = xh;
      this.inverseStd = invStd;
      this.mask = null;
      // the ReLU gate: where z was clipped, relu(z) = 0
      float[] gate = z;
      for (int i = 0; i < gate.length; i++) {
        gate[i] = gate[i] > 0 ? 1f : 0f;
      }
      this.grads = new float[][] {gate};
      if (dropout > 0) {
        mask = Layers.dropoutMask(y.length, dropout, rng);
        for (int i = 0; i < y.length; i++) {
          y[i] *= mask[i];
        }
      }
    }
    return y;
  }

  /** Gradients of the parameters from d loss / d output; the input needs none (it is the data). */
  void backward(float[] dy) {
    float[] gate = grads[0];
    if (mask != null) {
      for (int i = 0; i < dy.length; i++) {
        dy[i] *= mask[i];
      }
    }
    double[] sumDy = new double[out];
    double[] sumDyXh = new double[out];
    for (int i = 0; i < dy.length; i++) {
      int f = i % out;
      sumDy[f] += dy[i];
      sumDyXh[f] += dy[i] * normalized[i];
    }
    float[] gGamma = new float[out];
    float[] gBeta = new float[out];
    for (int f = 0; f < out; f++) {
      gGamma[f] = (float) sumDyXh[f];
      gBeta[f] = (float) sumDy[f];
    }
    double[] gKernel = new double[in * out];
    double[] gBias = new double[out];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < out; f++) {
        int i = r * out + f;
        if (gate[i] == 0f) {
          continue;
        }
        // batch norm with batch statistics: dz = γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂))
        double dz = gamma[f] * inverseStd[f] * (dy[i] - (sumDy[f] + normalized[i] * sumDyXh[f]) / rows);
        gBias[f] += dz;
        for (int c = 0; c < in; c++) {
          gKernel[c * out + f] += input[r * in + c] * dz;
        }
      }
    }
    grads = new float[][] {Layers.floats(gKernel), Layers.floats(gBias), gGamma, gBeta};
    input = null;
    normalized = null;
    mask = null;
  }

  void update() {
    adam.update(handles[0], kernel, grads[0]);
    adam.update(handles[1], bias, grads[1]);
    adam.update(handles[2], gamma, grads[2]);
    adam.update(handles[3], beta, grads[3]);
    grads = null;
  }

  void export(Map<String, Tensor> into) {
    into.put(WeightFiles.cnn(name + ".kernel"), Tensor.of(kernel, 1, 1, in, out));
    into.put(WeightFiles.cnn(name + ".bias"), Tensor.of(bias, out));
    into.put(WeightFiles.cnn(name + ".bn.gamma"), Tensor.of(gamma, out));
    into.put(WeightFiles.cnn(name + ".bn.beta"), Tensor.of(beta, out));
    into.put(WeightFiles.cnn(name + ".bn.mean"), Tensor.of(movingMean, out));
    into.put(WeightFiles.cnn(name + ".bn.variance"), Tensor.of(movingVariance, out));
  }
}
