package org.lsmspark.cnn;

import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;

/**
 * Batch norm after ReLU in single precision: BN(x) = gamma·(x − mean)/sqrt(variance + ε) + beta,
 * folded into a scale and a shift (computed in double, then rounded once).
 */
record FloatNorm(float[] scale, float[] shift) {
  static final double EPSILON = 1e-3;

  static FloatNorm of(ModelBundle bundle, String prefix) {
    Tensor gamma = bundle.tensor(WeightFiles.bn(prefix, "gamma"));
    Tensor beta = bundle.tensor(WeightFiles.bn(prefix, "beta"));
    Tensor mean = bundle.tensor(WeightFiles.bn(prefix, "mean"));
    Tensor variance = bundle.tensor(WeightFiles.bn(prefix, "variance"));
    float[] scale = new float[gamma.size()];
    float[] shift = new float[gamma.size()];
    for (int i = 0; i < scale.length; i++) {
      double s = gamma.get(i) / Math.sqrt(variance.get(i) + EPSILON);
      scale[i] = (float) s;
      shift[i] = (float) (beta.get(i) - mean.get(i) * s);
    }
    return new FloatNorm(scale, shift);
  }

  /** x ← BN(relu(x)) over {@code length} values from {@code from} whose last axis has this norm's width. */
  void reluInPlace(float[] x, int from, int length) {
    int c = scale.length;
    for (int p = from; p < from + length; p += c) {
      for (int ch = 0; ch < c; ch++) {
        x[p + ch] = Math.max(0f, x[p + ch]) * scale[ch] + shift[ch];
      }
    }
  }

}
