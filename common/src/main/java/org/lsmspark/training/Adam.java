package org.lsmspark.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) with Keras's constants (β1 0.9, β2 0.999, ε 1e-7 outside the square
 * root), updating float parameters in place. Parameters are registered once; each step calls
 * {@link #nextStep()} and then {@link #update} per parameter. Not thread-safe.
 */
public final class Adam {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPSILON = 1e-7;

  private final double learningRate;
  private final List<float[]> firstMoments = new ArrayList<>();
  private final List<float[]> secondMoments = new ArrayList<>();
  private long step;

  public Adam(double learningRate) {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** Registers a parameter of {@code size} values; returns its handle for {@link #update}. */
  public int register(int size) {
    firstMoments.add(new float[size]);
    secondMoments.add(new float[size]);
    return firstMoments.size() - 1;
  }

  public void nextStep() {
    step++;
  }

  public long steps() {
    return step;
  }

  /** One Adam update of {@code weights} from {@code gradients} at the current step. */
  public void update(int handle, float[] weights, float[] gradients) {
    if (step == 0) {
      throw new IllegalStateException("nextStep() must be called before the first update");
    }
    float[] m = firstMoments.get(handle);
    float[] v = secondMoments.get(handle);
    if (weights.length != m.length || gradients.length != m.length) {
      throw new IllegalArgumentException("parameter " + handle + " has " + m.length + " values, got weights "
          + weights.length + " and gradients " + gradients.length);
    }
    double lr = learningRate * Math.sqrt(1 - Math.pow(BETA2, step)) / (1 - Math.pow(BETA1, step));
    for (int i = 0; i < weights.length; i++) {
      double g = gradients[i];
      m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g);
      v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g * g);
      weights[i] = (float) (weights[i] - lr * m[i] / (Math.sqrt(v[i]) + EPSILON));
    }
  }
}
