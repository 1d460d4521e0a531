package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The format's CNN when it has no attention and a single 1×1 convolution: a per-position channel
 * mix, then global average or flatten, then dense layers. Every step is a matrix product, so
 * the backward pass is written out by hand over ND4J's GEMM — one native call per product
 * instead of SameDiff's graph (about 50 ms a step). Batch norm normalises with the batch's
 * statistics while training and keeps moving ones (momentum {@value #BN_MOMENTUM}: Keras's 0.99 needs
 * hundreds of steps to forget its start, and short runs were validated with stale statistics).
 * Not thread-safe.
 */
final class PointwiseCnn implements CnnNetwork {
  static final double BN_MOMENTUM = 0.9;
  static final double BN_EPSILON = 1e-3;

  private final int positions;
  private final int dim;
  private final boolean flatten;
  private final PointwiseConv conv;
  private final List<DenseLayer.Block> dense = new ArrayList<>();
  private final DenseLayer.Affine output;
  private final Adam adam;

  /** Whether this network can train {@code config}'s CNN. */
  static boolean supports(CnnConfig cnn) {
    return !cnn.useAttention() && cnn.convCount() == 1 && cnn.convKernels().get(0) == 1;
  }

  PointwiseCnn(ModelConfig config, Map<String, Tensor> init, double learningRate, double convDropout,
      double denseDropout) {
    CnnConfig cnn = config.cnn();
    if (!supports(cnn)) {
      throw new IllegalArgumentException("PointwiseCnn needs no attention and one 1×1 convolution, got " + cnn);
    }
    this.positions = config.waveHeight() * config.waveWidth();
    this.dim = config.embeddingDim();
    this.flatten = cnn.pooling() == CnnConfig.Pooling.FLATTEN;
    this.adam = new Adam(learningRate);
    this.conv = new PointwiseConv("conv0", init, adam, convDropout);
    for (int j = 0; j < cnn.denseUnits().size(); j++) {
      dense.add(new DenseLayer.Block("dense" + j, init, adam, denseDropout));
    }
    this.output = new DenseLayer.Affine("output", init, adam);
  }

  @Override
  public double trainBatch(float[] waves, int n, float[] targets, int[] targetIds, Objective objective, Random rng) {
    INDArray h = pool(conv.forward(waves, n * positions, true, rng), n);
    for (DenseLayer.Block b : dense) {
      h = b.forward(h, true, rng);
    }
    float[] prediction = Layers.floats(output.forward(h));
    float[] gradient = new float[n * dim];
    double loss = objective.evaluate(prediction, targets, targetIds, n, dim, gradient);
    INDArray g = output.backward(Nd4j.create(gradient, new long[] {n, dim}, 'c'), true);
    for (int j = dense.size() - 1; j >= 0; j--) {
      g = dense.get(j).backward(g, true);
    }
    conv.backward(unpool(g, n));
    adam.nextStep();
    conv.update();
    dense.forEach(DenseLayer.Block::update);
    output.update();
    return loss;
  }

  @Override
  public float[] predict(float[] waves, int n) {
    INDArray h = pool(conv.forward(waves, n * positions, false, null), n);
    for (DenseLayer.Block b : dense) {
      h = b.forward(h, false, null);
    }
    return Layers.floats(output.forward(h));
  }

  @Override
  public Map<String, Tensor> weights() {
    Map<String, Tensor> out = new TreeMap<>();
    conv.export(out);
    dense.forEach(b -> b.export(out));
    output.export(out);
    return out;
  }

  /** [n·P, F] → flatten [n, P·F] (height-width-channel order) or the mean over positions [n, F]. */
  private INDArray pool(float[] y, int n) {
    int f = conv.filters();
    if (flatten) {
      return Nd4j.create(y, new long[] {n, (long) positions * f}, 'c');
    }
    float[] mean = new float[n * f];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < positions; p++) {
        for (int c = 0; c < f; c++) {
          mean[i * f + c] += y[(i * positions + p) * f + c];
        }
      }
    }
    for (int k = 0; k < mean.length; k++) {
      mean[k] /= positions;
    }
    return Nd4j.create(mean, new long[] {n, f}, 'c');
  }

  /** The gradient of the pooled values spread back over [n·P, F]. */
  private float[] unpool(INDArray g, int n) {
    float[] pooled = Layers.floats(g);
    if (flatten) {
      return pooled;
    }
    int f = conv.filters();
    float[] spread = new float[n * positions * f];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < positions; p++) {
        for (int c = 0; c < f; c++) {
          spread[(i * positions + p) * f + c] = pooled[i * f + c] / positions;
        }
      }
    }
    return spread;
  }
}
