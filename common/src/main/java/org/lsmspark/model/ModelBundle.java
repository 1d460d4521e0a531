package org.lsmspark.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole model in memory: configuration, tokenizer terms and vocabulary, and every tensor by
 * its file path. Immutable and verified on construction (see {@link BundleValidator});
 * serializes to a compact Kryo byte array (see {@link BundleCodec}) and back, exactly.
 */
public final class ModelBundle {
  private final ModelConfig config;
  private final DistinctStrings terms;
  private final DistinctStrings vocabulary;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> digests;
  private final String fingerprint;

  private ModelBundle(ModelConfig config, List<String> terms, List<String> vocabulary,
      Map<String, Tensor> tensors, Map<String, String> digests) {
    this.config = config;
    this.terms = BundleValidator.terms(terms);
    this.vocabulary = BundleValidator.vocabulary(vocabulary);
    this.tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
    this.digests = Collections.unmodifiableMap(new TreeMap<>(digests));
    BundleValidator.validate(config, this.terms, this.vocabulary, this.tensors, this.digests);
    this.fingerprint = Sha256.hex(ModelJson.write(config, this.digests));
  }

  /**
   * A bundle built in memory (by training or tests). The file digests are those of the canonical
   * files {@link ModelDirectory#write} produces.
   */
  public static ModelBundle of(ModelConfig config, List<String> terms, List<String> vocabulary,
      Map<String, Tensor> tensors) {
    return new ModelBundle(config, terms, vocabulary, tensors, CanonicalFiles.digests(terms, vocabulary, tensors));
  }

  /** A bundle read from files whose digests were already verified. */
  static ModelBundle read(ModelConfig config, List<String> terms, List<String> vocabulary,
      Map<String, Tensor> tensors, Map<String, String> digests) {
    return new ModelBundle(config, terms, vocabulary, tensors, digests);
  }

  public ModelConfig config() {
    return config;
  }

  public String modelId() {
    return config.modelId();
  }

  /** SHA-256 over the canonical {@code model.json}, which holds every file's digest. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The terms, {@code indexOf} a hash lookup. */
  public DistinctStrings terms() {
    return terms;
  }

  /** The vocabulary turns, {@code indexOf} a hash lookup. */
  public DistinctStrings vocabulary() {
    return vocabulary;
  }

  /** The tensor stored in {@code file} (a relative path such as {@code cnn/conv0.kernel.npy}). */
  public Tensor tensor(String file) {
    Tensor t = tensors.get(file);
    if (t == null) {
      throw new IllegalArgumentException("model " + modelId() + " has no tensor " + file);
    }
    return t;
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** SHA-256 of each file, by relative path, as listed in {@code model.json}. */
  public Map<String, String> digests() {
    return digests;
  }

  /** The files of the model directory in canonical form, {@code model.json} excluded. */
  Map<String, byte[]> canonicalFiles() {
    return CanonicalFiles.of(terms, vocabulary, tensors);
  }

  byte[] modelJson() {
    return ModelJson.write(config, digests);
  }

  /** The bundle as a compact byte array: Kryo with only this class registered. */
  public byte[] toBytes() {
    return BundleCodec.toBytes(this);
  }

  /**
   * The inverse of {@link #toBytes()}; the bytes are checked against their SHA-256 and the
   * content is verified again. Any problem, including trailing bytes, is a
   * {@link ModelFormatException} naming the "serialized model bundle"; allocations are bounded by
   * the input's length, whatever lengths a corrupted input declares.
   */
  public static ModelBundle fromBytes(byte[] bytes) {
    return BundleCodec.fromBytes(bytes);
  }
}
