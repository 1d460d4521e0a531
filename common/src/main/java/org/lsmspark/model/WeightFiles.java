package org.lsmspark.model;

import java.util.List;

/** The file names of a model directory (relative paths), as MODEL_FORMAT.md lists them. */
public final class WeightFiles {
  public static final String TERMS = "tokenizer/terms.txt";
  public static final String VOCAB = "tokenizer/vocab.jsonl";
  public static final String IDF = "tokenizer/idf.npy";
  public static final String COMPONENTS = "tokenizer/components.npy";
  public static final String VOCAB_EMBEDDINGS = "tokenizer/vocab_embeddings.npy";
  public static final String ATTENTION_KERNEL = "cnn/attention.kernel.npy";
  public static final String ATTENTION_BIAS = "cnn/attention.bias.npy";
  public static final String OUTPUT_KERNEL = "cnn/output.kernel.npy";
  public static final String OUTPUT_BIAS = "cnn/output.bias.npy";
  public static final String NPY = ".npy";
  /** The four tensors of a batch norm, in the order {@link ModelConfig#weightShapes()} lists them. */
  public static final List<String> BN_PARTS = List.of("gamma", "beta", "mean", "variance");

  private WeightFiles() {}

  public static String reservoirKernel(int layer) {
    return reservoir(layer, "kernel");
  }

  public static String reservoirMask(int layer) {
    return reservoir(layer, "mask");
  }

  public static String reservoirBias(int layer) {
    return reservoir(layer, "bias");
  }

  public static String convKernel(int j) {
    return cnn("conv" + j + ".kernel");
  }

  public static String convBias(int j) {
    return cnn("conv" + j + ".bias");
  }

  /** The batch norm after conv {@code j}, as a prefix for {@link #bn}. */
  public static String convBn(int j) {
    return "cnn/conv" + j + ".bn";
  }

  public static String denseKernel(int j) {
    return cnn("dense" + j + ".kernel");
  }

  public static String denseBias(int j) {
    return cnn("dense" + j + ".bias");
  }

  /** The batch norm after dense layer {@code j}, as a prefix for {@link #bn}. */
  public static String denseBn(int j) {
    return "cnn/dense" + j + ".bn";
  }

  /** One tensor of a batch norm: {@code part} is one of {@link #BN_PARTS}. */
  public static String bn(String prefix, String part) {
    return prefix + "." + part + NPY;
  }

  /** A CNN tensor by its name inside {@code cnn/} without extension, e.g. {@code conv0.kernel}. */
  public static String cnn(String name) {
    return "cnn/" + name + NPY;
  }

  private static String reservoir(int layer, String part) {
    return "reservoir/layer" + layer + "." + part + NPY;
  }
}
