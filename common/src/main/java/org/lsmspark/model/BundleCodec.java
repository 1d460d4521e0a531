package org.lsmspark.model;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kryo serializer of {@link ModelBundle}, what the Spark driver broadcasts. It writes fields
 * explicitly (no reflection, no Java serialization): the magic number, the body's
 * length, the body, and the SHA-256 of the body. The body holds the configuration as its
 * canonical JSON, then lists and raw float arrays; every count and length in it is checked
 * against the bytes that remain before anything is allocated.
 */
public final class BundleCodec extends Serializer<ModelBundle> {
  static final String WHAT = "serialized model bundle";
  private static final int MAGIC = 0x4c534d32; // "LSM2": body, then its SHA-256
  private static final int DIGEST_BYTES = 32;
  private static final int MAX_RANK = 32;
  /** The body is read in chunks of this size, so a corrupted length allocates no more than the input. */
  private static final int CHUNK = 1 << 20;

  public BundleCodec() {
    setImmutable(true);
  }

  /** The bundle as a compact byte array: Kryo with only {@link ModelBundle} registered. */
  static byte[] toBytes(ModelBundle bundle) {
    Output out = new Output(1 << 16, -1);
    kryo().writeObject(out, bundle);
    return out.toBytes();
  }

  /** See {@link ModelBundle#fromBytes}. */
  static ModelBundle fromBytes(byte[] bytes) {
    try (Input in = new Input(bytes)) {
      ModelBundle b = kryo().readObject(in, ModelBundle.class);
      if (in.position() != bytes.length) {
        throw new ModelFormatException(WHAT, "has " + (bytes.length - in.position())
            + " trailing bytes after the bundle");
      }
      return b;
    } catch (ModelFormatException e) {
      throw e.file().equals(WHAT) ? e : new ModelFormatException(WHAT, "holds an invalid " + e.getMessage(), e);
    } catch (RuntimeException e) { // Kryo reports truncation as KryoException, among others
      throw new ModelFormatException(WHAT, "cannot be read: " + e, e);
    }
  }

  private static Kryo kryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.register(ModelBundle.class, new BundleCodec());
    return kryo;
  }

  @Override
  public void write(Kryo kryo, Output out, ModelBundle b) {
    out.writeInt(MAGIC);
    byte[] body = body(b);
    out.writeInt(body.length, true);
    out.writeBytes(body);
    out.writeBytes(Sha256.of(body));
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
    if (!MessageDigest.isEqual(digest, Sha256.of(body))) {
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
    out.writeBytes(Sha256.of(body));
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
    writeStrings(out, b.terms());
    writeStrings(out, b.vocabulary());
    out.writeInt(b.tensors().size(), true);
    for (Map.Entry<String, Tensor> e : b.tensors().entrySet()) {
      writeString(out, e.getKey());
      Tensor t = e.getValue();
      out.writeInt(t.rank(), true);
      for (int i = 0; i < t.rank(); i++) {
        out.writeInt(t.dim(i), true);
      }
      out.writeFloats(t.sharedArray());
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
    return ModelBundle.read(parsed.config(), terms, vocabulary, tensors, parsed.files());
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
