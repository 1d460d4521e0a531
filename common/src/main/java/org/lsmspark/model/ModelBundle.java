package org.lsmspark.model;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
    if (v == 0) {
      throw new ModelFormatException(VOCAB, "holds no vocabulary turns");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < f; i++) {
      if (terms.get(i).isEmpty()) {
        throw new ModelFormatException(TERMS, "line " + (i + 1) + " is an empty term");
      }
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

  /**
   * The inverse of {@link #toBytes()}; the bytes are checked against their SHA-256 and the
   * content is verified again. Any problem, including trailing bytes, is a
   * {@link ModelFormatException} naming the "serialized model bundle"; allocations are bounded by
   * the input's length, whatever lengths a corrupted input declares.
   */
  public static ModelBundle fromBytes(byte[] bytes) {
    try (Input in = new Input(bytes)) {
      ModelBundle b = kryo().readObject(in, ModelBundle.class);
      if (in.position() != bytes.length) {
        throw new ModelFormatException(Serializer.WHAT, "has " + (bytes.length - in.position())
            + " trailing bytes after the bundle");
      }
      return b;
    } catch (ModelFormatException e) {
      throw e.file().equals(Serializer.WHAT) ? e : new ModelFormatException(Serializer.WHAT,
          "holds an invalid " + e.getMessage(), e);
    } catch (RuntimeException e) { // Kryo reports truncation as KryoException, among others
      throw new ModelFormatException(Serializer.WHAT, "cannot be read: " + e, e);
    }
  }

  private static Kryo kryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.register(ModelBundle.class, new Serializer());
    return kryo;
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Bytes(bytes));
  }

  private static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String digestOf(byte[] bytes) {
    return sha256(bytes);
  }

  /**
   * Writes fields explicitly (no reflection, no Java serialization): the magic number, the body's
   * length, the body, and the SHA-256 of the body. The body holds the configuration as its
   * canonical JSON, then lists and raw float arrays; every count and length in it is checked
   * against the bytes that remain before anything is allocated.
   */
  public static final class Serializer extends com.esotericsoftware.kryo.Serializer<ModelBundle> {
    static final String WHAT = "serialized model bundle";
    private static final int MAGIC = 0x4c534d32; // "LSM2": body, then its SHA-256
    private static final int DIGEST_BYTES = 32;
    private static final int MAX_RANK = 32;
    /** The body is read in chunks of this size, so a corrupted length allocates no more than the input. */
    private static final int CHUNK = 1 << 20;

    public Serializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, ModelBundle b) {
      out.writeInt(MAGIC);
      byte[] body = body(b);
      out.writeInt(body.length, true);
      out.writeBytes(body);
      out.writeBytes(sha256Bytes(body));
    }

    @Override
    public ModelBundle read(Kryo kryo, Input in, Class<ModelBundle> type) {
      if (in.readInt() != MAGIC) {
        throw new ModelFormatException(WHAT, "is not a serialized model bundle (bad magic number)");
      }
      int length = in.readInt(true);
      if (length < 0) {
        throw new ModelFormatException(WHAT, "declares a negative length " + length);
      }
      byte[] body = readChunked(in, length);
      byte[] digest = in.readBytes(DIGEST_BYTES);
      if (!MessageDigest.isEqual(digest, sha256Bytes(body))) {
        throw new ModelFormatException(WHAT, "SHA-256 does not match its content (corrupt bytes)");
      }
      return parse(body);
    }

    /** The bytes {@link #write} produces for {@code body}: magic, length, body, SHA-256. */
    static byte[] frame(byte[] body) {
      Output out = new Output(body.length + 64, -1);
      out.writeInt(MAGIC);
      out.writeInt(body.length, true);
      out.writeBytes(body);
      out.writeBytes(sha256Bytes(body));
      return out.toBytes();
    }

    /** The body inside framed bytes (not verified). */
    static byte[] body(byte[] framed) {
      try (Input in = new Input(framed)) {
        in.readInt();
        return in.readBytes(in.readInt(true));
      }
    }

    private static byte[] body(ModelBundle b) {
      Output out = new Output(1 << 16, -1);
      byte[] json = b.modelJson();
      out.writeInt(json.length, true);
      out.writeBytes(json);
      writeStrings(out, b.terms);
      writeStrings(out, b.vocabulary);
      out.writeInt(b.tensors.size(), true);
      for (Map.Entry<String, Tensor> e : b.tensors.entrySet()) {
        writeString(out, e.getKey());
        Tensor t = e.getValue();
        out.writeInt(t.rank(), true);
        for (int i = 0; i < t.rank(); i++) {
          out.writeInt(t.dim(i), true);
        }
        out.writeFloats(t.toArray());
      }
      return out.toBytes();
    }

    private static ModelBundle parse(byte[] body) {
      Input in = new Input(body);
      ModelJson.Parsed parsed = ModelJson.parse(in.readBytes(count(in, 1, "model.json length")));
      List<String> terms = readStrings(in, "terms");
      List<String> vocabulary = readStrings(in, "vocabulary turns");
      int n = count(in, 3, "tensor count");
      Map<String, Tensor> tensors = new TreeMap<>();
      for (int k = 0; k < n; k++) {
        String name = readString(in);
        int rank = in.readInt(true);
        if (rank < 0 || rank > MAX_RANK) {
          throw new ModelFormatException(WHAT, "tensor " + name + " has rank " + rank);
        }
        int[] shape = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
          shape[i] = in.readInt(true);
          if (shape[i] < 0) {
            throw new ModelFormatException(WHAT, "tensor " + name + " has a negative dimension " + shape[i]);
          }
          size = Math.min(size * shape[i], Long.MAX_VALUE / (1L << 32)); // saturates, never overflows
        }
        if (size * Float.BYTES > remaining(in)) {
          throw new ModelFormatException(WHAT, "tensor " + name + " of shape " + Arrays.toString(shape)
              + " is truncated");
        }
        if (tensors.put(name, Tensor.wrap(in.readFloats((int) size), shape)) != null) {
          throw new ModelFormatException(WHAT, "tensor " + name + " appears twice");
        }
      }
      if (remaining(in) != 0) {
        throw new ModelFormatException(WHAT, "body has " + remaining(in) + " unread bytes");
      }
      return new ModelBundle(parsed.config(), terms, vocabulary, tensors, parsed.files());
    }

    private static byte[] readChunked(Input in, int length) {
      byte[] buf = new byte[Math.min(length, CHUNK)];
      int n = 0;
      while (n < length) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
        }
        int chunk = Math.min(buf.length - n, CHUNK);
        in.readBytes(buf, n, chunk);
        n += chunk;
      }
      return buf;
    }

    private static int remaining(Input in) {
      return in.limit() - in.position();
    }

    /** A count of items that take at least {@code minBytes} each, bounded by the remaining bytes. */
    private static int count(Input in, int minBytes, String what) {
      int n = in.readInt(true);
      if (n < 0 || (long) n * minBytes > remaining(in)) {
        throw new ModelFormatException(WHAT, what + " " + n + " exceeds the " + remaining(in) + " remaining bytes");
      }
      return n;
    }

    private static void writeStrings(Output out, List<String> values) {
      out.writeInt(values.size(), true);
      values.forEach(v -> writeString(out, v));
    }

    private static List<String> readStrings(Input in, String what) {
      String[] values = new String[count(in, 1, what)];
      for (int i = 0; i < values.length; i++) {
        values[i] = readString(in);
      }
      return List.of(values);
    }

    /**
     * A string as its byte length and each UTF-16 unit in one to three bytes (like Java's modified
     * UTF-8), so any Java string, unpaired surrogates included, round-trips exactly.
     */
    private static void writeString(Output out, String s) {
      byte[] b = new byte[3 * s.length()];
      int n = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          b[n++] = (byte) c;
        } else if (c < 0x800) {
          b[n++] = (byte) (0xc0 | c >> 6);
          b[n++] = (byte) (0x80 | (c & 0x3f));
        } else {
          b[n++] = (byte) (0xe0 | c >> 12);
          b[n++] = (byte) (0x80 | (c >> 6 & 0x3f));
          b[n++] = (byte) (0x80 | (c & 0x3f));
        }
      }
      out.writeInt(n, true);
      out.writeBytes(b, 0, n);
    }

    private static String readString(Input in) {
      byte[] b = in.readBytes(count(in, 1, "string length"));
      char[] chars = new char[b.length];
      int n = 0;
      for (int i = 0; i < b.length; ) {
        int x = b[i] & 0xff;
        int len = x < 0x80 ? 1 : (x & 0xe0) == 0xc0 ? 2 : (x & 0xf0) == 0xe0 ? 3 : 0;
        if (len == 0 || i + len > b.length) {
          throw new ModelFormatException(WHAT, "holds a malformed string");
        }
        int c = len == 1 ? x : len == 2 ? x & 0x1f : x & 0x0f;
        for (int j = 1; j < len; j++) {
          int y = b[i + j] & 0xff;
          if ((y & 0xc0) != 0x80) {
            throw new ModelFormatException(WHAT, "holds a malformed string");
          }
          c = c << 6 | (y & 0x3f);
        }
        chars[n++] = (char) c;
        i += len;
      }
      return new String(chars, 0, n);
    }
  }
}
