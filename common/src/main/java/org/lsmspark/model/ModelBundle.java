package org.lsmspark.model;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A whole model in memory: configuration, tokenizer terms and vocabulary, and every tensor by
 * its file path. Immutable and verified on construction; serializes to a compact Kryo byte array
 * (what the Spark driver broadcasts) and back, exactly.
 */
public final class ModelBundle {
  public static final String TERMS = "tokenizer/terms.txt";
  public static final String VOCAB = "tokenizer/vocab.jsonl";
  public static final String IDF = "tokenizer/idf.npy";
  public static final String COMPONENTS = "tokenizer/components.npy";
  public static final String VOCAB_EMBEDDINGS = "tokenizer/vocab_embeddings.npy";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelConfig config;
  private final List<String> terms;
  private final List<String> vocabulary;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> digests;
  private final String fingerprint;

  private ModelBundle(ModelConfig config, List<String> terms, List<String> vocabulary,
      Map<String, Tensor> tensors, Map<String, String> digests) {
    this.config = config;
    this.terms = List.copyOf(terms);
    this.vocabulary = List.copyOf(vocabulary);
    this.tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
    this.digests = Collections.unmodifiableMap(new TreeMap<>(digests));
    verify();
    this.fingerprint = sha256(ModelJson.write(config, this.digests));
  }

  /**
   * A bundle built in memory (by training or tests). The file digests are those of the canonical
   * files {@link ModelDirectory#write} produces.
   */
  public static ModelBundle of(ModelConfig config, List<String> terms, List<String> vocabulary,
      Map<String, Tensor> tensors) {
    Map<String, String> digests = new TreeMap<>();
    canonicalFiles(config, terms, vocabulary, tensors).forEach((k, v) -> digests.put(k, sha256(v)));
    return new ModelBundle(config, terms, vocabulary, tensors, digests);
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

  public List<String> terms() {
    return terms;
  }

  public List<String> vocabulary() {
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
  static Map<String, byte[]> canonicalFiles(ModelConfig config, List<String> terms,
      List<String> vocabulary, Map<String, Tensor> tensors) {
    Map<String, byte[]> files = new TreeMap<>();
    StringBuilder t = new StringBuilder();
    terms.forEach(term -> t.append(term).append('\n'));
    files.put(TERMS, t.toString().getBytes(StandardCharsets.UTF_8));
    StringBuilder v = new StringBuilder();
    try {
      for (String turn : vocabulary) {
        v.append(JSON.writeValueAsString(turn)).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    files.put(VOCAB, v.toString().getBytes(StandardCharsets.UTF_8));
    tensors.forEach((name, tensor) -> files.put(name, Npy.write(tensor)));
    return files;
  }

  Map<String, byte[]> canonicalFiles() {
    return canonicalFiles(config, terms, vocabulary, tensors);
  }

  byte[] modelJson() {
    return ModelJson.write(config, digests);
  }

  /** Every shape, value and list the format constrains; problems name the file. */
  private void verify() {
    int f = terms.size();
    int v = vocabulary.size();
    int d = config.embeddingDim();
    if (f == 0) {
      throw new ModelFormatException(TERMS, "holds no terms");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < f; i++) {
      if (!seen.add(terms.get(i))) {
        throw new ModelFormatException(TERMS, "term \"" + terms.get(i) + "\" repeats on line " + (i + 1));
      }
    }
    seen.clear();
    for (int i = 0; i < v; i++) {
      if (!seen.add(vocabulary.get(i))) {
        throw new ModelFormatException(VOCAB, "turn " + JSON.valueToTree(vocabulary.get(i))
            + " repeats on line " + (i + 1));
      }
    }
    Map<String, int[]> expected = new LinkedHashMap<>();
    expected.put(IDF, new int[] {f});
    expected.put(COMPONENTS, new int[] {d, f});
    expected.put(VOCAB_EMBEDDINGS, new int[] {v, d});
    config.weightShapes().forEach((name, shape) -> expected.put(name + ".npy", shape));
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      Tensor t = tensors.get(e.getKey());
      if (t == null) {
        throw new ModelFormatException(e.getKey(), "is missing");
      }
      if (!t.hasShape(e.getValue())) {
        throw new ModelFormatException(e.getKey(), "shape " + t.shapeString() + ", expected "
            + java.util.Arrays.toString(e.getValue()) + " by model.json");
      }
    }
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      boolean mask = e.getKey().endsWith(".mask.npy");
      for (int i = 0; i < t.size(); i++) {
        float x = t.get(i);
        if (!Float.isFinite(x)) {
          throw new ModelFormatException(e.getKey(), "value " + x + " at flat index " + i + " is not finite");
        }
        if (mask && x != 0f && x != 1f) {
          throw new ModelFormatException(e.getKey(), "mask value " + x + " at flat index " + i + " is not 0 or 1");
        }
      }
    }
    for (String file : List.of(TERMS, VOCAB)) {
      if (!digests.containsKey(file)) {
        throw new ModelFormatException(file, "has no digest");
      }
    }
    for (String file : tensors.keySet()) {
      if (!digests.containsKey(file)) {
        throw new ModelFormatException(file, "has no digest");
      }
    }
  }

  // ---------------------------------------------------------------- Kryo

  /** The bundle as a compact byte array: Kryo with only this class registered. */
  public byte[] toBytes() {
    Kryo kryo = kryo();
    Output out = new Output(1 << 16, -1);
    kryo.writeObject(out, this);
    return out.toBytes();
  }

  /** The inverse of {@link #toBytes()}; the content is verified again. */
  public static ModelBundle fromBytes(byte[] bytes) {
    try (Input in = new Input(bytes)) {
      return kryo().readObject(in, ModelBundle.class);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) { // Kryo reports truncation as IndexOutOfBounds, among others
      throw new ModelFormatException("serialized model bundle", "cannot be read: " + e, e);
    }
  }

  private static Kryo kryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.register(ModelBundle.class, new Serializer());
    return kryo;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String digestOf(byte[] bytes) {
    return sha256(bytes);
  }

  /**
   * Writes fields explicitly (no reflection, no Java serialization): the configuration as its
   * canonical JSON, then lists and raw float arrays.
   */
  public static final class Serializer extends com.esotericsoftware.kryo.Serializer<ModelBundle> {
    private static final int MAGIC = 0x4c534d31; // "LSM1"

    public Serializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, ModelBundle b) {
      out.writeInt(MAGIC);
      byte[] json = b.modelJson();
      out.writeInt(json.length, true);
      out.writeBytes(json);
      writeStrings(out, b.terms);
      writeStrings(out, b.vocabulary);
      out.writeInt(b.tensors.size(), true);
      for (Map.Entry<String, Tensor> e : b.tensors.entrySet()) {
        out.writeString(e.getKey());
        Tensor t = e.getValue();
        out.writeInt(t.rank(), true);
        for (int i = 0; i < t.rank(); i++) {
          out.writeInt(t.dim(i), true);
        }
        out.writeFloats(t.toArray());
      }
    }

    @Override
    public ModelBundle read(Kryo kryo, Input in, Class<ModelBundle> type) {
      if (in.readInt() != MAGIC) {
        throw new KryoException("not a serialized model bundle");
      }
      int jsonLength = in.readInt(true);
      if (jsonLength < 0 || jsonLength > in.limit() - in.position()) {
        throw new KryoException("model.json is truncated");
      }
      ModelJson.Parsed parsed = ModelJson.parse(in.readBytes(jsonLength));
      List<String> terms = readStrings(in);
      List<String> vocabulary = readStrings(in);
      int n = in.readInt(true);
      Map<String, Tensor> tensors = new TreeMap<>();
      for (int k = 0; k < n; k++) {
        String name = in.readString();
        int[] shape = new int[in.readInt(true)];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = in.readInt(true);
          size *= shape[i];
        }
        if (size * Float.BYTES > in.limit() - in.position()) {
          throw new KryoException("tensor " + name + " is truncated");
        }
        tensors.put(name, Tensor.wrap(in.readFloats((int) size), shape));
      }
      return new ModelBundle(parsed.config(), terms, vocabulary, tensors, parsed.files());
    }

    private static void writeStrings(Output out, List<String> values) {
      out.writeInt(values.size(), true);
      values.forEach(out::writeString);
    }

    private static List<String> readStrings(Input in) {
      int n = in.readInt(true);
      String[] values = new String[n];
      for (int i = 0; i < n; i++) {
        values[i] = in.readString();
      }
      return List.of(values);
    }
  }
}
