package org.lsmspark.training;

import java.nio.FloatBuffer;
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
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains the model format's CNN with a SameDiff graph that mirrors {@code WaveCnn} step by step,
 * in NHWC: attention, conv + ReLU + batch norm, 2×2 max pooling, global average, dense + ReLU +
 * batch norm, linear output; mean squared error; Adam.
 *
 * <p>Batch norm normalises with the batch's statistics while training and keeps moving ones
 * (momentum 0.99, ε = 0.001) as Keras does; in inference mode the graph uses the moving ones,
 * which is what the model format stores. Which mode runs is a placeholder, so one graph serves
 * both. Dropout (0.25/0.25/0.5 after the conv blocks, 0.5/0.3 after the dense ones; the last
 * conv block 0.5 and the others 0.25, the first dense 0.5 and the others 0.3 for other depths)
 * multiplies by masks drawn from the caller's seeded {@link Random}, and the Adam update runs in
 * plain Java, so a run depends on the seed only. Not thread-safe.
 */
public final class CnnTrainer {
  public static final double BN_MOMENTUM = 0.99;
  public static final double BN_EPSILON = 1e-3;
  static final double ADAM_BETA1 = 0.9;
  static final double ADAM_BETA2 = 0.999;
  static final double ADAM_EPSILON = 1e-7;
  /** Scale of the output kernel's Glorot-uniform start. */
  static final double OUTPUT_INIT_SCALE = 0.05;

  private final ModelConfig config;
  private final int window;
  private final int channels;
  private final int dim;
  private final double learningRate;
  /** The training graph: batch statistics, dropout masks. */
  private final SameDiff sd = SameDiff.create();
  /** The inference graph: moving statistics, no dropout; shares nothing with {@link #sd} but values. */
  private final SameDiff inf = SameDiff.create();
  private SameDiff current;
  private boolean building;
  /** Trainable parameters by format name without {@code cnn/} and {@code .npy}, e.g. {@code conv0.kernel}. */
  private final Map<String, Param> params = new LinkedHashMap<>();
  /** Batch norms by prefix, e.g. {@code conv0.bn}: moving statistics kept here, fed as placeholders. */
  private final Map<String, Norm> norms = new LinkedHashMap<>();
  private final List<Dropout> dropouts = new ArrayList<>();
  private long step;

  private static final class Param {
    final String var;
    final int[] shape;
    final float[] value;
    final float[] m;
    final float[] v;
    final INDArray array;
    INDArray inferenceArray;

    Param(String var, int[] shape, float[] value, INDArray array) {
      this.var = var;
      this.shape = shape;
      this.value = value;
      this.m = new float[value.length];
      this.v = new float[value.length];
      this.array = array;
    }
  }

  private static final class Norm {
    final String prefix;
    final float[] mean;
    final float[] variance;

    Norm(String prefix, float[] mean, float[] variance) {
      this.prefix = prefix;
      this.mean = mean;
      this.variance = variance;
    }

    String var(String what) {
      return prefix.replace('.', '_') + "_" + what;
    }
  }

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
   * @param weights the {@code cnn/*.npy} tensors to start from (e.g. {@link #initialWeights})
   */
  public CnnTrainer(ModelConfig config, Map<String, Tensor> weights, double learningRate) {
    this.config = config;
    this.window = config.windowSize();
    this.channels = config.channels();
    this.dim = config.embeddingDim();
    this.learningRate = learningRate;
    current = sd;
    building = true;
    build(weights, true);
    current = inf;
    building = false;
    build(weights, false);
  }

  /**
   * Keras's initial CNN: Glorot-uniform kernels (the output kernel scaled by 0.05), zero biases,
   * batch norms γ = 1, β = 0, moving mean 0 and variance 1; values drawn from {@code rng} in {@link ModelConfig#weightShapes()} order.
   */
  public static Map<String, Tensor> initialWeights(ModelConfig config, Random rng) {
    Map<String, Tensor> out = new TreeMap<>();
    for (Map.Entry<String, int[]> e : config.weightShapes().entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("cnn/")) {
        continue;
      }
      int[] s = e.getValue();
      int n = 1;
      for (int d : s) {
        n *= d;
      }
      float[] v = new float[n];
      if (name.endsWith(".kernel")) {
        int fanIn;
        int fanOut;
        if (s.length == 4) {
          fanIn = s[0] * s[1] * s[2];
          fanOut = s[0] * s[1] * s[3];
        } else {
          fanIn = s[0];
          fanOut = s[1];
        }
        // the output layer starts small: turn embeddings are short vectors (entries near 0.05), and
        // a full-scale start spends the first epoch shrinking the predictions
        v = ReservoirInit.glorot(rng, n, fanIn, fanOut, (name + WeightFiles.NPY).equals(WeightFiles.OUTPUT_KERNEL) ? OUTPUT_INIT_SCALE : 1.0);
      } else if (name.endsWith(".gamma") || name.endsWith(".variance")) {
        java.util.Arrays.fill(v, 1f);
      }
      out.put(name + WeightFiles.NPY, Tensor.of(v, s));
    }
    return out;
  }

  // ---------------------------------------------------------------- graph

  private SDVariable param(Map<String, Tensor> weights, String name) {
    String var = name.replace('.', '_');
    if (!building) {
      Param p = params.get(name);
      SDVariable v = inf.var(var, Nd4j.create(p.value.clone(), longs(p.shape), 'c'));
      p.inferenceArray = v.getArr();
      return v;
    }
    Tensor t = weights.get(WeightFiles.cnn(name));
    if (t == null) {
      throw new IllegalArgumentException("initial weights lack " + WeightFiles.cnn(name));
    }
    float[] value = t.toArray();
    INDArray arr = Nd4j.create(value.clone(), longs(t.shape()), 'c');
    SDVariable v = sd.var(var, arr);
    params.put(name, new Param(var, t.shape(), value, v.getArr()));
    return v;
  }

  private static long[] longs(int[] shape) {
    long[] out = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i];
    }
    return out;
  }

  /**
   * Training: (x − batch mean)·γ/sqrt(batch variance + ε) + β, the batch statistics exposed as
   * outputs; inference: the same with the moving statistics, fed as placeholders.
   */
  private SDVariable batchNorm(Map<String, Tensor> weights, SDVariable x, String prefix, int width, int... axes) {
    SameDiff g = current;
    Norm norm;
    if (building) {
      norm = new Norm(prefix, weights.get(WeightFiles.bn("cnn/" + prefix, "mean")).toArray(),
          weights.get(WeightFiles.bn("cnn/" + prefix, "variance")).toArray());
      norms.put(prefix, norm);
    } else {
      norm = norms.get(prefix);
    }
    SDVariable gamma = param(weights, prefix + ".gamma");
    SDVariable beta = param(weights, prefix + ".beta");
    SDVariable mean;
    SDVariable var;
    if (building) {
      mean = x.mean(norm.var("bmean"), axes);
      SDVariable centered = x.sub(mean);
      var = centered.mul(centered).mean(norm.var("bvar"), axes);
      return centered.mul(gamma.mul(g.math().rsqrt(var.add(BN_EPSILON)))).add(beta);
    }
    mean = g.placeHolder(norm.var("mmean"), DataType.FLOAT, width);
    var = g.placeHolder(norm.var("mvar"), DataType.FLOAT, width);
    return x.sub(mean).mul(gamma.mul(g.math().rsqrt(var.add(BN_EPSILON)))).add(beta);
  }

  private SDVariable dropout(SDVariable x, String name, double rate, long... shape) {
    if (!building) {
      return x;
    }
    Dropout d = new Dropout(name, shape, rate);
    dropouts.add(d);
    long[] full = new long[shape.length + 1];
    full[0] = -1;
    System.arraycopy(shape, 0, full, 1, shape.length);
    return x.mul(sd.placeHolder(name, DataType.FLOAT, full));
  }

  private void build(Map<String, Tensor> weights, boolean training) {
    SameDiff g = current;
    CnnConfig cnn = config.cnn();
    SDVariable x = g.placeHolder("wave", DataType.FLOAT, -1, window, window, channels);
    if (cnn.useAttention()) {
      SDVariable a = g.nn().sigmoid(g.cnn().conv2d(x, param(weights, "attention.kernel"),
          param(weights, "attention.bias"), conv(7)));
      x = x.mul(a);
    }
    int h = window;
    int n = cnn.convCount();
    for (int j = 0; j < n; j++) {
      int k = cnn.convKernels().get(j);
      int f = cnn.convFilters().get(j);
      x = g.nn().relu(g.cnn().conv2d(x, param(weights, "conv" + j + ".kernel"),
          param(weights, "conv" + j + ".bias"), conv(k)), 0.0);
      x = batchNorm(weights, x, "conv" + j + ".bn", f, 0, 1, 2);
      if (j + 1 < n) {
        x = g.cnn().maxPooling2d(x, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2)
            .paddingMode(PaddingMode.VALID).isNHWC(true).build());
        h /= 2;
      }
      x = dropout(x, "drop_conv" + j, j + 1 < n ? 0.25 : 0.5, h, h, f);
    }
    x = x.mean(1, 2);
    for (int j = 0; j < cnn.denseUnits().size(); j++) {
      int u = cnn.denseUnits().get(j);
      x = g.nn().relu(g.nn().linear(x, param(weights, "dense" + j + ".kernel"), param(weights, "dense" + j + ".bias")), 0.0);
      x = batchNorm(weights, x, "dense" + j + ".bn", u, 0);
      x = dropout(x, "drop_dense" + j, j == 0 ? 0.5 : 0.3, u);
    }
    SDVariable out = g.nn().linear("prediction", x, param(weights, "output.kernel"), param(weights, "output.bias"));
    if (training) {
      SDVariable target = g.placeHolder("target", DataType.FLOAT, -1, dim);
      SDVariable error = out.sub(target);
      SDVariable loss = error.mul(error).mean("loss");
      g.setLossVariables(loss);
    }
  }

  private static Conv2DConfig conv(int k) {
    return Conv2DConfig.builder().kH(k).kW(k).sH(1).sW(1).paddingMode(PaddingMode.SAME).dataFormat("NHWC").build();
  }

  // ---------------------------------------------------------------- feeding

  private Map<String, INDArray> feed(float[] waves, int from, int n, float[] targets, boolean training, Random rng) {
    Map<String, INDArray> ph = new HashMap<>();
    int waveSize = window * window * channels;
    float[] w = new float[n * waveSize];
    System.arraycopy(waves, from * waveSize, w, 0, w.length);
    ph.put("wave", Nd4j.create(w, new long[] {n, window, window, channels}, 'c'));
    if (!training) {
      for (Norm norm : norms.values()) {
        ph.put(norm.var("mmean"), Nd4j.create(norm.mean.clone(), new long[] {norm.mean.length}, 'c'));
        ph.put(norm.var("mvar"), Nd4j.create(norm.variance.clone(), new long[] {norm.variance.length}, 'c'));
      }
      return ph;
    }
    float[] t = new float[n * dim];
    System.arraycopy(targets, from * dim, t, 0, t.length);
    ph.put("target", Nd4j.create(t, new long[] {n, dim}, 'c'));
    for (Dropout d : dropouts) {
      int size = d.size();
      float[] mask = new float[n * size];
      float keep = (float) (1.0 / (1.0 - d.rate()));
      for (int i = 0; i < mask.length; i++) {
        mask[i] = rng.nextDouble() < d.rate() ? 0f : keep;
      }
      long[] shape = new long[d.shape().length + 1];
      shape[0] = n;
      System.arraycopy(d.shape(), 0, shape, 1, d.shape().length);
      ph.put(d.name(), Nd4j.create(mask, shape, 'c'));
    }
    return ph;
  }

  // ---------------------------------------------------------------- training and inference

  private boolean gradientBuilt;

  /** SameDiff prints a line per op to stdout while it builds the gradient graph: noise for operators. */
  private static <T> T withoutStdout(java.util.function.Supplier<T> work) {
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      return work.get();
    } finally {
      System.setOut(out);
    }
  }

  /**
   * One Adam step on windows {@code [from, from + n)} of {@code waves} ([·, W, W, C]) and
   * {@code targets} ([·, D]); dropout masks come from {@code rng}. Updates the moving statistics.
   *
   * @return the batch's loss (before the step, with dropout)
   */
  public double trainBatch(float[] waves, float[] targets, int from, int n, Random rng) {
    Map<String, INDArray> ph = feed(waves, from, n, targets, true, rng);
    List<String> outputs = new ArrayList<>();
    outputs.add("loss");
    for (Norm norm : norms.values()) {
      outputs.add(norm.var("bmean"));
      outputs.add(norm.var("bvar"));
    }
    List<String> vars = new ArrayList<>();
    for (Param p : params.values()) {
      vars.add(p.var);
    }
    OutAndGrad result = gradientBuilt ? sd.calculateGradientsAndOutputs(ph, outputs, vars)
        : withoutStdout(() -> sd.calculateGradientsAndOutputs(ph, outputs, vars));
    gradientBuilt = true;
    double loss = result.getOutputs().get("loss").getDouble(0);
    for (Norm norm : norms.values()) {
      float[] bm = floats(result.getOutputs().get(norm.var("bmean")));
      float[] bv = floats(result.getOutputs().get(norm.var("bvar")));
      for (int i = 0; i < bm.length; i++) {
        norm.mean[i] = (float) (BN_MOMENTUM * norm.mean[i] + (1 - BN_MOMENTUM) * bm[i]);
        norm.variance[i] = (float) (BN_MOMENTUM * norm.variance[i] + (1 - BN_MOMENTUM) * bv[i]);
      }
    }
    step++;
    double correction = Math.sqrt(1 - Math.pow(ADAM_BETA2, step)) / (1 - Math.pow(ADAM_BETA1, step));
    double lr = learningRate * correction;
    for (Param p : params.values()) {
      float[] g = floats(result.getGradients().get(p.var));
      float[] w = p.value;
      for (int i = 0; i < w.length; i++) {
        double gi = g[i];
        p.m[i] = (float) (ADAM_BETA1 * p.m[i] + (1 - ADAM_BETA1) * gi);
        p.v[i] = (float) (ADAM_BETA2 * p.v[i] + (1 - ADAM_BETA2) * gi * gi);
        w[i] = (float) (w[i] - lr * p.m[i] / (Math.sqrt(p.v[i]) + ADAM_EPSILON));
      }
      upload(p);
    }
    return loss;
  }

  /** Inference-mode predictions ([n, D] row-major) for windows {@code [from, from + n)}. */
  public float[] predict(float[] waves, int from, int n) {
    Map<String, INDArray> ph = feed(waves, from, n, null, false, null);
    return floats(inf.output(ph, "prediction").get("prediction"));
  }

  /** Inference-mode mean squared error over all windows of {@code waves}, in chunks of {@code batch}. */
  public double loss(float[] waves, float[] targets, int count, int batch) {
    double sum = 0;
    for (int from = 0; from < count; from += batch) {
      int n = Math.min(batch, count - from);
      float[] pred = predict(waves, from, n);
      for (int i = 0; i < n * dim; i++) {
        double d = pred[i] - targets[from * dim + i];
        sum += d * d;
      }
    }
    return count == 0 ? Double.NaN : sum / ((double) count * dim);
  }

  /** The CNN's tensors in the model format ({@code cnn/*.npy}), moving statistics included. */
  public Map<String, Tensor> weights() {
    Map<String, Tensor> out = new TreeMap<>();
    params.forEach((name, p) -> out.put(WeightFiles.cnn(name), Tensor.of(p.value, p.shape)));
    norms.forEach((prefix, n) -> {
      out.put(WeightFiles.bn("cnn/" + prefix, "mean"), Tensor.of(n.mean, n.mean.length));
      out.put(WeightFiles.bn("cnn/" + prefix, "variance"), Tensor.of(n.variance, n.variance.length));
    });
    return out;
  }

  /** Sets every CNN tensor (e.g. a snapshot from {@link #weights()}); Adam's state is kept. */
  public void restore(Map<String, Tensor> weights) {
    params.forEach((name, p) -> {
      weights.get(WeightFiles.cnn(name)).copyTo(p.value, 0);
      upload(p);
    });
    norms.forEach((prefix, n) -> {
      weights.get(WeightFiles.bn("cnn/" + prefix, "mean")).copyTo(n.mean, 0);
      weights.get(WeightFiles.bn("cnn/" + prefix, "variance")).copyTo(n.variance, 0);
    });
  }

  private static void upload(Param p) {
    for (INDArray a : new INDArray[] {p.array, p.inferenceArray}) {
      FloatBuffer buf = a.data().asNioFloat();
      buf.position(0);
      buf.put(p.value);
    }
  }

  private static float[] floats(INDArray a) {
    return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }
}
