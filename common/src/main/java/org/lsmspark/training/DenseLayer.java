package org.lsmspark.training;

import java.util.Map;
import java.util.Random;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The dense layers of {@link PointwiseCnn} over ND4J matrix products, with hand-written backward passes. */
final class DenseLayer {
  private DenseLayer() {}

  /** x · kernel + bias, the output layer; the base of {@link Block}. */
  static class Affine {
    final String name;
    final int in;
    final int out;
    final float[] kernel;
    final float[] bias;
    final int kernelHandle;
    final int biasHandle;
    final Adam adam;
    INDArray input;
    float[] kernelGrad;
    float[] biasGrad;

    Affine(String name, Map<String, Tensor> init, Adam adam) {
      this.name = name;
      Tensor k = Layers.tensor(init, name + ".kernel");
      this.in = k.shape()[0];
      this.out = k.shape()[1];
      this.kernel = k.toArray();
      this.bias = Layers.tensor(init, name + ".bias").toArray();
      this.adam = adam;
      this.kernelHandle = adam.register(kernel.length);
      this.biasHandle = adam.register(bias.length);
    }

    INDArray forward(INDArray x) {
      input = x;
      return x.mmul(Nd4j.create(kernel, new long[] {in, out}, 'c')).addiRowVector(Nd4j.create(bias, new long[] {out}, 'c'));
    }

    /** Stores the gradients of kernel and bias; returns d loss / d input when asked. */
    INDArray backward(INDArray dz, boolean wantInputGradient) {
      kernelGrad = Layers.floats(input.transpose().mmul(dz));
      biasGrad = Layers.floats(dz.sum(0));
      input = null;
      return wantInputGradient ? dz.mmul(Nd4j.create(kernel, new long[] {in, out}, 'c').transpose()) : null;
    }

    void update() {
      adam.update(kernelHandle, kernel, kernelGrad);
      adam.update(biasHandle, bias, biasGrad);
    }

    void export(Map<String, Tensor> into) {
      into.put(WeightFiles.cnn(name + ".kernel"), Tensor.of(kernel, in, out));
      into.put(WeightFiles.cnn(name + ".bias"), Tensor.of(bias, bias.length));
    }
  }

  /** BN(relu(x · kernel + bias)), then inverted dropout while training. */
  static final class Block extends Affine {
    final float[] gamma;
    final float[] beta;
    final float[] movingMean;
    final float[] movingVariance;
    final int gammaHandle;
    final int betaHandle;
    final double dropout;
    INDArray preActivation;
    INDArray normalized;
    INDArray inverseStd;
    INDArray mask;
    float[] gammaGrad;
    float[] betaGrad;

    Block(String name, Map<String, Tensor> init, Adam adam, double dropout) {
      super(name, init, adam);
      this.gamma = Layers.tensor(init, name + ".bn.gamma").toArray();
      this.beta = Layers.tensor(init, name + ".bn.beta").toArray();
      this.movingMean = Layers.tensor(init, name + ".bn.mean").toArray();
      this.movingVariance = Layers.tensor(init, name + ".bn.variance").toArray();
      this.gammaHandle = adam.register(out);
      this.betaHandle = adam.register(out);
      this.dropout = dropout;
    }

    INDArray forward(INDArray x, boolean training, Random rng) {
      INDArray z = super.forward(x);
      INDArray r = Transforms.relu(z, true);
      INDArray mean;
      INDArray variance;
      if (training) {
        preActivation = z;
        mean = r.mean(0);
        variance = r.var(false, 0);
        float[] bm = Layers.floats(mean);
        float[] bv = Layers.floats(variance);
        for (int i = 0; i < out; i++) {
          movingMean[i] = (float) (PointwiseCnn.BN_MOMENTUM * movingMean[i] + (1 - PointwiseCnn.BN_MOMENTUM) * bm[i]);
          movingVariance[i] = (float) (PointwiseCnn.BN_MOMENTUM * movingVariance[i] + (1 - PointwiseCnn.BN_MOMENTUM) * bv[i]);
        }
      } else {
        input = null;
        mean = Nd4j.create(movingMean, new long[] {out}, 'c');
        variance = Nd4j.create(movingVariance, new long[] {out}, 'c');
      }
      INDArray invStd = Transforms.pow(variance.add(PointwiseCnn.BN_EPSILON), -0.5, false);
      INDArray xh = r.subiRowVector(mean).muliRowVector(invStd);
      INDArray y = xh.mulRowVector(Nd4j.create(gamma, new long[] {out}, 'c'))
          .addiRowVector(Nd4j.create(beta, new long[] {out}, 'c'));
      if (!training) {
        return y;
      }
      normalized = xh;
      inverseStd = invStd;
      mask = null;
      if (dropout > 0) {
        mask = Nd4j.create(Layers.dropoutMask((int) y.length(), dropout, rng), y.shape(), 'c');
        y.muli(mask);
      }
      return y;
    }

    @Override
    INDArray backward(INDArray dy, boolean wantInputGradient) {
      if (mask != null) {
        dy = dy.mul(mask);
      }
      long rows = dy.size(0);
      gammaGrad = Layers.floats(dy.mul(normalized).sum(0));
      betaGrad = Layers.floats(dy.sum(0));
      INDArray dxh = dy.mulRowVector(Nd4j.create(gamma, new long[] {out}, 'c'));
      // batch norm with batch statistics: dx = invstd/N · (N·dxh − Σdxh − x̂·Σ(dxh·x̂))
      INDArray sumDxh = dxh.sum(0);
      INDArray sumDxhXh = dxh.mul(normalized).sum(0);
      INDArray dr = dxh.muli(rows).subiRowVector(sumDxh).subi(normalized.mulRowVector(sumDxhXh))
          .muliRowVector(inverseStd.div(rows));
      INDArray dz = dr.muli(preActivation.gt(0).castTo(DataType.FLOAT));
      normalized = null;
      preActivation = null;
      mask = null;
      return super.backward(dz, wantInputGradient);
    }

    @Override
    void update() {
      super.update();
      adam.update(gammaHandle, gamma, gammaGrad);
      adam.update(betaHandle, beta, betaGrad);
    }

    @Override
    void export(Map<String, Tensor> into) {
      super.export(into);
      into.put(WeightFiles.cnn(name + ".bn.gamma"), Tensor.of(gamma, gamma.length));
      into.put(WeightFiles.cnn(name + ".bn.beta"), Tensor.of(beta, beta.length));
      into.put(WeightFiles.cnn(name + ".bn.mean"), Tensor.of(movingMean, movingMean.length));
      into.put(WeightFiles.cnn(name + ".bn.variance"), Tensor.of(movingVariance, movingVariance.length));
    }
  }
}
