package org.lsmspark.training;

import java.util.Map;
import java.util.Random;
import org.lsmspark.model.Tensor;

/** A trainable copy of the model format's CNN; whatever it learns, {@link #weights()} gives in the format. */
interface CnnNetwork {

  /**
   * One optimiser step: a training-mode forward pass (batch statistics, dropout drawn from {@code rng}),
   * the objective's gradient, the backward pass and an Adam update.
   *
   * @param waves [n, H, Wd, C] row-major
   * @return the batch's loss before the step
   */
  double trainBatch(float[] waves, int n, float[] targets, int[] targetIds, Objective objective, Random rng);

  /** Inference-mode predictions [n, D] (moving statistics, no dropout), as {@code WaveCnn} computes them. */
  float[] predict(float[] waves, int n);

  /** The CNN's tensors in the model format ({@code cnn/*.npy}), moving statistics included. */
  Map<String, Tensor> weights();
}
