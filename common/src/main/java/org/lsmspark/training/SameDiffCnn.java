package org.lsmspark.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.lsmspark.model.CnnConfig;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.WeightFiles;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Any shape of the format's CNN as a SameDiff graph that mirrors {@code WaveCnn} step by step, in
 * NHWC: attention, conv + ReLU + batch norm, 2×2 max pooling, global average or flatten, dense +
 * ReLU + batch norm, linear output. Two graphs share the parameter values: the training one
 * (batch statistics, dropout masks as placeholders) and the inference one (moving statistics).
 *
 * <p>The objective stays outside the graph: the training graph's loss is Σ prediction ⊙ g with g
 * the objective's gradient fed as a placeholder, so back-propagation yields exactly the
 * objective's parameter gradients. Adam runs in plain Java and masks come from the caller's
 * seeded {@link Random}, so a run depends on the seed only. Slow (about 50 ms a step in
 * SameDiff's per-op dispatch); {@link PointwiseCnn} trains the shapes it supports much faster.
 * Not thread-safe.
 */
final class SameDiffCnn implements CnnNetwork {
  private final int height;
  private final int width;
  private final int channels;
  private final int dim;
  private final Adam adam;
  private final Graph training;
  private final Graph inference;
  /** Trainable values by format name without {@code cnn/} and {@code .npy}, e.g. {@code conv0.kernel}. */
  private final Map<String, Param> params = new LinkedHashMap<>();
  /** Moving statistics by batch-norm prefix, e.g. {@code conv0.bn}: [mean, variance]. */
  private final Map<String, float[][]> moving = new LinkedHashMap<>();
  private final List<Dropout> dropouts = new ArrayList<>();
  private boolean gradientBuilt;

  private record Param(int[] shape, float[] value, int handle) {}

  private record Dropout(String name, long[] shape, double rate) {
    int size() {
      long s = 1;
      for (long d : shape) {
        s *= d;
      }
      return (int) s;
    }
  }

  /**
   * @param convDropout rate after every conv block but the last
   * @param lastConvDropout rate after the last conv block
   */
  SameDiffCnn(ModelConfig config, Map<String, Tensor> init, double learningRate, double convDropout,
      double lastConvDropout, double denseDropout) {
    this.height = config.waveHeight();
    this.width = config.waveWidth();
    this.channels = config.channels();
    this.dim = config.embeddingDim();
    this.adam = new Adam(learningRate);
    init.forEach((file, t) -> {
      String name = file.substring("cnn/".length(), file.length() - WeightFiles.NPY.length());
      if (name.endsWith(".bn.mean") || name.endsWith(".bn.variance")) {
        String prefix = name.substring(0, name.lastIndexOf('.'));
        float[][] stats = moving.computeIfAbsent(prefix, p -> new float[2][]);
        stats[name.endsWith(".mean") ? 0 : 1] = t.toArray();
      } else {
        float[] v = t.toArray();
        params.put(name, new Param(t.shape(), v, adam.register(v.length)));
      }
    });
    this.training = new Graph(true, config.cnn(), convDropout, lastConvDropout, denseDropout);
    this.inference = new Graph(false, config.cnn(), 0, 0, 0);
  }

  /** One of the two graphs; {@code training} decides batch statistics and dropout. */
  private final class Graph {
    final SameDiff sd = SameDiff.create();
    final boolean training;
    final Map<String, INDArray> arrays = new HashMap<>();

    Graph(boolean training, CnnConfig cnn, double convDropout, double lastConvDropout, double denseDropout) {
      this.training = training;
      SDVariable x = sd.placeHolder("wave", DataType.FLOAT, -1, height, width, channels);
      if (cnn.useAttention()) {
        x = x.mul(sd.nn().sigmoid(sd.cnn().conv2d(x, param("attention.kernel"), param("attention.bias"), conv(7))));
      }
      int h = height;
      int w = width;
      int n = cnn.convCount();
      int f = channels;
      for (int j = 0; j < n; j++) {
        f = cnn.convFilters().get(j);
        x = sd.nn().relu(sd.cnn().conv2d(x, param("conv" + j + ".kernel"), param("conv" + j + ".bias"),
            conv(cnn.convKernels().get(j))), 0.0);
        x = batchNorm(x, "conv" + j + ".bn", f, 0, 1, 2);
        if (j + 1 < n) {
          x = sd.cnn().maxPooling2d(x, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2)
              .paddingMode(PaddingMode.VALID).isNHWC(true).build());
          h /= 2;
          w /= 2;
        }
        x = dropout(x, "drop_conv" + j, j + 1 < n ? convDropout : lastConvDropout, h, w, f);
      }
      x = cnn.pooling() == CnnConfig.Pooling.FLATTEN ? x.reshape(-1, (long) h * w * f) : x.mean(1, 2);
      for (int j = 0; j < cnn.denseUnits().size(); j++) {
        int u = cnn.denseUnits().get(j);
        x = sd.nn().relu(sd.nn().linear(x, param("dense" + j + ".kernel"), param("dense" + j + ".bias")), 0.0);
        x = batchNorm(x, "dense" + j + ".bn", u, 0);
        x = dropout(x, "drop_dense" + j, denseDropout, u);
      }
      SDVariable out = sd.nn().linear("prediction", x, param("output.kernel"), param("output.bias"));
      if (training) {
        sd.setLossVariables(out.mul(sd.placeHolder("gradient", DataType.FLOAT, -1, dim)).sum("loss"));
      }
    }

    SDVariable param(String name) {
      Param p = params.get(name);
      if (p == null) {
        throw new IllegalArgumentException("initial weights lack " + WeightFiles.cnn(name));
      }
      SDVariable v = sd.var(name.replace('.', '_'), Nd4j.create(p.value.clone(), longs(p.shape), 'c'));
      arrays.put(name, v.getArr());
      return v;
    }

    /** Training: batch statistics, exposed as outputs; inference: the moving ones, fed as placeholders. */
    SDVariable batchNorm(SDVariable x, String prefix, int width, int... axes) {
      String var = prefix.replace('.', '_');
      SDVariable gamma = param(prefix + ".gamma");
      SDVariable beta = param(prefix + ".beta");
      if (training) {
        SDVariable mean = x.mean(var + "_bmean", axes);
        SDVariable centered = x.sub(mean);
        SDVariable variance = centered.mul(centered).mean(var + "_bvar", axes);
        return centered.mul(gamma.mul(sd.math().rsqrt(variance.add(PointwiseCnn.BN_EPSILON)))).add(beta);
      }
      SDVariable mean = sd.placeHolder(var + "_mmean", DataType.FLOAT, width);
      SDVariable variance = sd.placeHolder(var + "_mvar", DataType.FLOAT, width);
      return x.sub(mean).mul(gamma.mul(sd.math().rsqrt(variance.add(PointwiseCnn.BN_EPSILON)))).add(beta);
    }

    SDVariable dropout(SDVariable x, String name, double rate, long... shape) {
      if (!training || rate == 0) {
        return x;
      }
      dropouts.add(new Dropout(name, shape, rate));
      long[] full = new long[shape.length + 1];
      full[0] = -1;
      System.arraycopy(shape, 0, full, 1, shape.length);
      return x.mul(sd.placeHolder(name, DataType.FLOAT, full));
    }
  }

  private static Conv2DConfig conv(int k) {
    return Conv2DConfig.builder().kH(k).kW(k).sH(1).sW(1).paddingMode(PaddingMode.SAME).dataFormat("NHWC").build();
  }

  private static long[] longs(int[] shape) {
    long[] out = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i];
    }
    return out;
  }

  private INDArray waveArray(float[] waves, int n) {
    return Nd4j.create(java.util.Arrays.copyOf(waves, n * height * width * channels),
        new long[] {n, height, width, channels}, 'c');
  }

  @Override
  public double trainBatch(float[] waves, int n, float[] targets, int[] targetIds, Objective objective, Random rng) {
    Map<String, INDArray> ph = new HashMap<>();
    ph.put("wave", waveArray(waves, n));
    for (Dropout d : dropouts) {
      float[] mask = new float[n * d.size()];
      float keep = (float) (1.0 / (1.0 - d.rate()));
      for (int i = 0; i < mask.length; i++) {
        mask[i] = rng.nextDouble() < d.rate() ? 0f : keep;
      }
      long[] shape = new long[d.shape().length + 1];
      shape[0] = n;
      System.arraycopy(d.shape(), 0, shape, 1, d.shape().length);
      ph.put(d.name(), Nd4j.create(mask, shape, 'c'));
    }
    List<String> outputs = new ArrayList<>(List.of("prediction"));
    moving.keySet().forEach(p -> {
      outputs.add(p.replace('.', '_') + "_bmean");
      outputs.add(p.replace('.', '_') + "_bvar");
    });
    Map<String, INDArray> forward = training.sd.output(ph, outputs);
    float[] gradient = new float[n * dim];
    double loss = objective.evaluate(Layers.floats(forward.get("prediction")), targets, targetIds, n, dim, gradient);
    ph.put("gradient", Nd4j.create(gradient, new long[] {n, dim}, 'c'));
    List<String> vars = params.keySet().stream().map(k -> k.replace('.', '_')).toList();
    Map<String, INDArray> grads = gradientBuilt ? training.sd.calculateGradients(ph, vars)
        : SameDiffQuiet.call(() -> training.sd.calculateGradients(ph, vars));
    gradientBuilt = true;
    moving.forEach((prefix, stats) -> {
      float[] bm = Layers.floats(forward.get(prefix.replace('.', '_') + "_bmean"));
      float[] bv = Layers.floats(forward.get(prefix.replace('.', '_') + "_bvar"));
      for (int i = 0; i < bm.length; i++) {
        stats[0][i] = (float) (PointwiseCnn.BN_MOMENTUM * stats[0][i] + (1 - PointwiseCnn.BN_MOMENTUM) * bm[i]);
        stats[1][i] = (float) (PointwiseCnn.BN_MOMENTUM * stats[1][i] + (1 - PointwiseCnn.BN_MOMENTUM) * bv[i]);
      }
    });
    adam.nextStep();
    params.forEach((name, p) -> {
      adam.update(p.handle(), p.value(), Layers.floats(grads.get(name.replace('.', '_'))));
      for (Graph g : new Graph[] {training, inference}) {
        java.nio.FloatBuffer buf = g.arrays.get(name).data().asNioFloat();
        buf.position(0);
        buf.put(p.value());
      }
    });
    return loss;
  }

  @Override
  public float[] predict(float[] waves, int n) {
    Map<String, INDArray> ph = new HashMap<>();
    ph.put("wave", waveArray(waves, n));
    moving.forEach((prefix, stats) -> {
      String var = prefix.replace('.', '_');
      ph.put(var + "_mmean", Nd4j.create(stats[0].clone(), new long[] {stats[0].length}, 'c'));
      ph.put(var + "_mvar", Nd4j.create(stats[1].clone(), new long[] {stats[1].length}, 'c'));
    });
    return Layers.floats(inference.sd.output(ph, "prediction").get("prediction"));
  }

  @Override
  public Map<String, Tensor> weights() {
    Map<String, Tensor> out = new TreeMap<>();
    params.forEach((name, p) -> out.put(WeightFiles.cnn(name), Tensor.of(p.value(), p.shape())));
    moving.forEach((prefix, stats) -> {
      out.put(WeightFiles.cnn(prefix + ".mean"), Tensor.of(stats[0], stats[0].length));
      out.put(WeightFiles.cnn(prefix + ".variance"), Tensor.of(stats[1], stats[1].length));
    });
    return out;
  }
}
