package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.io.Input;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.hadoop.conf.Configuration;

/**
 * Random corruptions of a small model directory and of its serialized bundle: reading either
 * succeeds on content that is still valid or throws a {@link ModelFormatException} naming a file
 * of the model, never any other exception or error.
 */
class ModelCorruptionPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Configuration CONF = new Configuration();
  private static Path root;
  private static Path base;
  private static List<String> files;
  private static byte[] bundleBytes;

  private static synchronized Path base() {
    if (base == null) {
      try {
        root = Files.createTempDirectory("lsm-corruption");
        base = root.resolve("base");
        // small and with few files, so each try is quick: 18 files, every kind of tensor
        ModelBundle b = TestModels.builder().window(4).dim(6).terms(12).vocab(16).layers(8)
            .convs(new int[] {4}, new int[] {3}).dense(5).build();
        ModelDirectory.write(b, base.toString());
        files = new ArrayList<>(b.digests().keySet());
        bundleBytes = b.toBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return base;
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    if (root != null) {
      deleteTree(root);
    }
  }

  // ------------------------------------------------------------------ model directories

  enum Kind {
    FLIP_BYTES, TRUNCATE, APPEND, DELETE, FLIP_WITH_STALE_CRC,
    MODEL_JSON_RANDOM_BYTES, MODEL_JSON_RANDOM_JSON, MODEL_JSON_KEY_REMOVED, MODEL_JSON_WRONG_TYPE,
    MODEL_JSON_ODD_PATH, MODEL_JSON_HUGE_NUMBER,
    // the corrupted file's digest in model.json is corrected: only the content check can catch these
    NPY_HEADER_GARBAGE, NPY_WRONG_DTYPE, NPY_WRONG_SHAPE, NPY_HUGE_SHAPE, NPY_NON_FINITE, MASK_HALF,
    VOCAB_NOT_A_STRING, VOCAB_DUPLICATE, VOCAB_BAD_UTF8, VOCAB_EMPTY,
    TERMS_DUPLICATE, TERMS_EMPTY, TERMS_BAD_UTF8
  }

  /** What a corruption did: the file it expects to be named (null: any) and whether success is allowed. */
  record Outcome(String description, String expectedFile, boolean mayStillBeValid) {}

  @Property(tries = 250)
  void corruptDirectoriesAreRefusedWithTheFileNamed(@ForAll Kind kind, @ForAll long seed) throws IOException {
    Path src = base();
    Path dir = Files.createTempDirectory(root, "try");
    try {
      copy(src, dir, kind == Kind.FLIP_WITH_STALE_CRC);
      Outcome outcome = corrupt(kind, dir, new Random(seed));
      check(dir, outcome);
    } finally {
      deleteTree(dir);
    }
  }

  private static void check(Path dir, Outcome outcome) {
    String context = outcome.description();
    ModelBundle read;
    try {
      read = ModelDirectory.read(dir.toString(), CONF);
    } catch (ModelFormatException e) {
      String file = e.file();
      assertTrue(e.getMessage().startsWith(file + ": "), context + ": message " + e.getMessage());
      assertTrue(file.startsWith(dir + "/") && file.length() > dir.toString().length() + 1,
          context + ": names " + file + ", not a file of " + dir);
      if (outcome.expectedFile() != null) {
        assertEquals(dir.resolve(outcome.expectedFile()).toString(), file, context + ": " + e.getMessage());
      }
      return;
    } catch (Throwable t) {
      throw new AssertionError(context + ": " + t, t);
    }
    if (!outcome.mayStillBeValid()) {
      fail(context + ": accepted, model " + read.modelId());
    }
  }

  private static Outcome corrupt(Kind kind, Path dir, Random r) throws IOException {
    String file = files.get(r.nextInt(files.size()));
    String any = r.nextInt(4) == 0 ? ModelJson.FILE : file; // model.json or a listed file
    boolean json = any.equals(ModelJson.FILE);
    switch (kind) {
      case FLIP_BYTES, FLIP_WITH_STALE_CRC -> {
        byte[] b = read(dir, any);
        int n = 1 + r.nextInt(4);
        StringBuilder at = new StringBuilder();
        for (int i = 0; i < n; i++) {
          int p = r.nextInt(b.length);
          b[p] ^= (byte) (1 + r.nextInt(255));
          at.append(p).append(' ');
        }
        write(dir, any, b);
        return new Outcome(kind + " " + any + " at " + at, json ? null : any, json);
      }
      case TRUNCATE -> {
        byte[] b = read(dir, any);
        int length = r.nextInt(b.length);
        write(dir, any, Arrays.copyOf(b, length));
        return new Outcome(kind + " " + any + " to " + length, json ? null : any, json);
      }
      case APPEND -> {
        byte[] extra = randomBytes(r, 1 + r.nextInt(r.nextBoolean() ? 4 : 200));
        byte[] b = read(dir, any);
        byte[] c = Arrays.copyOf(b, b.length + extra.length);
        System.arraycopy(extra, 0, c, b.length, extra.length);
        write(dir, any, c);
        boolean blank = new String(extra, StandardCharsets.ISO_8859_1).matches("[ \t\r\n]*");
        return new Outcome(kind + " " + extra.length + " bytes to " + any, any, json && blank);
      }
      case DELETE -> {
        Files.delete(dir.resolve(any));
        return new Outcome(kind + " " + any, any, false);
      }
      case MODEL_JSON_RANDOM_BYTES -> {
        write(dir, ModelJson.FILE, randomBytes(r, r.nextInt(300)));
        return new Outcome(kind.toString(), ModelJson.FILE, false);
      }
      case MODEL_JSON_RANDOM_JSON -> {
        JsonNode random = randomJson(r, 0);
        write(dir, ModelJson.FILE, JSON.writeValueAsBytes(random));
        return new Outcome(kind + " " + random, ModelJson.FILE, false);
      }
      case MODEL_JSON_KEY_REMOVED, MODEL_JSON_WRONG_TYPE, MODEL_JSON_HUGE_NUMBER -> {
        ObjectNode model = (ObjectNode) JSON.readTree(read(dir, ModelJson.FILE));
        List<Object[]> slots = new ArrayList<>();
        collectSlots(model, slots);
        Object[] slot = slots.get(r.nextInt(slots.size()));
        JsonNode parent = (JsonNode) slot[0];
        Object key = slot[1];
        JsonNode old = parent instanceof ObjectNode o ? o.get((String) key) : parent.get((Integer) key);
        JsonNode replacement = kind == Kind.MODEL_JSON_WRONG_TYPE ? wrongType(old, r)
            : kind == Kind.MODEL_JSON_HUGE_NUMBER ? hugeNumber(r) : null;
        if (kind == Kind.MODEL_JSON_HUGE_NUMBER && !old.isNumber()) {
          return corrupt(Kind.MODEL_JSON_WRONG_TYPE, dir, r);
        }
        if (replacement == null) {
          if (parent instanceof ObjectNode o) {
            o.remove((String) key);
          } else {
            ((ArrayNode) parent).remove((Integer) key);
          }
        } else if (parent instanceof ObjectNode o) {
          o.set((String) key, replacement);
        } else {
          ((ArrayNode) parent).set((Integer) key, replacement);
        }
        write(dir, ModelJson.FILE, JSON.writeValueAsBytes(model));
        // removing an array element or a huge number may still describe a consistent model only by
        // accident; the files' shapes then refuse it, naming some file
        // an extreme but well-typed number may still describe a valid model (e.g. max_features)
        boolean huge = kind == Kind.MODEL_JSON_HUGE_NUMBER;
        boolean strict = !huge && parent instanceof ObjectNode;
        return new Outcome(kind + " " + key + ": " + old + " -> " + replacement,
            strict ? ModelJson.FILE : null, huge);
      }
      case MODEL_JSON_ODD_PATH -> {
        String[] odd = {"", "/", "x:y", "tokenizer", "tokenizer/", "./model.json", "a//b.npy", "c:\\x.npy",
            "%2e%2e/x", "nul\u0000.npy", "..", "tokenizer/../model.json", "hdfs://host/x.npy", " ", "missing.npy"};
        String name = odd[r.nextInt(odd.length)];
        ObjectNode model = (ObjectNode) JSON.readTree(read(dir, ModelJson.FILE));
        ((ObjectNode) model.get("files")).put(name, Sha256.hex(new byte[0]));
        write(dir, ModelJson.FILE, JSON.writeValueAsBytes(model));
        return new Outcome(kind + " \"" + name + "\"", null, false);
      }
      default -> {
        return sealed(kind, dir, r);
      }
    }
  }

  /** Corrupts a file's content and lists its new digest in model.json. */
  private static Outcome sealed(Kind kind, Path dir, Random r) throws IOException {
    List<String> npys = files.stream().filter(f -> f.endsWith(".npy")).toList();
    String target;
    byte[] content;
    String what;
    switch (kind) {
      case NPY_HEADER_GARBAGE -> {
        target = npys.get(r.nextInt(npys.size()));
        byte[] b = read(dir, target);
        int headerEnd = 10 + (ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff);
        int from = r.nextInt(headerEnd);
        int to = from + 1 + r.nextInt(headerEnd - from);
        boolean onlyWhitespace = true;
        for (int i = from; i < to; i++) {
          byte old = b[i];
          b[i] = (byte) r.nextInt(256);
          onlyWhitespace &= old == b[i] || (i >= 10 && WHITESPACE.indexOf(old) >= 0 && WHITESPACE.indexOf(b[i]) >= 0);
        }
        content = b;
        what = "header bytes " + from + ".." + to;
        if (onlyWhitespace) { // Python whitespace for Python whitespace: still a valid header
          write(dir, target, content);
          reseal(dir, target, content);
          return new Outcome(kind + " " + target + ": " + what + " (whitespace only)", target, true);
        }
      }
      case NPY_WRONG_DTYPE -> {
        target = npys.get(r.nextInt(npys.size()));
        String[] dtypes = {"<f8", ">f4", "<i4", "|u1", "<f2", "f4", "<c8", "<U4", "O"};
        String dtype = dtypes[r.nextInt(dtypes.length)];
        content = rewriteHeader(read(dir, target), h -> h.replace("'<f4'", "'" + dtype + "'"));
        what = "dtype " + dtype;
      }
      case NPY_WRONG_SHAPE -> {
        target = npys.get(r.nextInt(npys.size()));
        String[] shapes = {"()", "(0,)", "(1,)", "(1, 1, 1)", "(2, 3)", "(-1,)", "(3, -2)", "(x,)",
            "(99999999999,)", "(1.5,)", "(,)", "(2147483647, 2)"};
        byte[] b = read(dir, target);
        Tensor t = Npy.read(b, target);
        String shape;
        if (r.nextBoolean() && t.rank() >= 1) { // the same number of values in a different shape
          int[] s = t.shape();
          int[] rev = new int[s.length + 1];
          for (int i = 0; i < s.length; i++) {
            rev[i] = s[s.length - 1 - i];
          }
          rev[s.length] = 1;
          shape = Arrays.toString(rev).replace('[', '(').replace(']', ')');
        } else { // any listed shape but the file's own (an attention bias is (1,))
          String own = t.rank() == 1 ? "(" + t.shape()[0] + ",)"
              : Arrays.toString(t.shape()).replace('[', '(').replace(']', ')');
          String[] others = Arrays.stream(shapes).filter(x -> !x.equals(own)).toArray(String[]::new);
          shape = others[r.nextInt(others.length)];
        }
        content = rewriteHeader(b, h -> h.replaceFirst("'shape': \\([^)]*\\)", "'shape': " + shape));
        what = "shape " + shape;
      }
      case NPY_HUGE_SHAPE -> {
        target = npys.get(r.nextInt(npys.size()));
        String[] shapes = {"(2147483647, 2147483647)", "(1073741824,)", "(536870912,)", "(536870911,)",
            "(65536, 65536)", "(4294967296, 4294967296, 4)", "(2147483647, 2147483647, 2147483647, 8)",
            "(4611686018427387904, 4)", "(0, 2147483647)"};
        String shape = shapes[r.nextInt(shapes.length)];
        content = rewriteHeader(read(dir, target), h -> h.replaceFirst("'shape': \\([^)]*\\)", "'shape': " + shape));
        what = "shape " + shape;
      }
      case NPY_NON_FINITE -> {
        target = npys.get(r.nextInt(npys.size()));
        byte[] b = read(dir, target);
        int dataStart = 10 + (ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff);
        int values = (b.length - dataStart) / 4;
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc01234)};
        float x = bad[r.nextInt(bad.length)];
        int at = r.nextInt(values);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(dataStart + 4 * at, x);
        content = b;
        what = x + " at " + at;
      }
      case MASK_HALF -> {
        List<String> masks = npys.stream().filter(f -> f.endsWith(".mask.npy")).toList();
        target = masks.get(r.nextInt(masks.size()));
        byte[] b = read(dir, target);
        int dataStart = 10 + (ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff);
        int at = r.nextInt((b.length - dataStart) / 4);
        float[] bad = {0.5f, -1f, 2f, -0f + 1e-30f};
        float x = bad[r.nextInt(bad.length)];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(dataStart + 4 * at, x);
        content = b;
        what = "mask value " + x + " at " + at;
      }
      case VOCAB_NOT_A_STRING -> {
        target = WeightFiles.VOCAB;
        String[] bad = {"42", "null", "true", "{\"a\": 1}", "[\"x\"]", "\"unterminated", "\"ok\" trailing",
            "\"a\" \"b\"", "\"a\",", "", "'single'", "\"\\uZZZZ\"", "\"tab\there\"", "\"x\"]"};
        List<String> lines = lines(read(dir, target));
        int at = r.nextInt(lines.size());
        String line = bad[r.nextInt(bad.length)];
        lines.set(at, line);
        content = join(lines);
        what = "line " + (at + 1) + " = " + line;
      }
      case VOCAB_DUPLICATE, TERMS_DUPLICATE -> {
        target = kind == Kind.VOCAB_DUPLICATE ? WeightFiles.VOCAB : WeightFiles.TERMS;
        List<String> lines = lines(read(dir, target));
        int i = r.nextInt(lines.size());
        int j = r.nextInt(lines.size() - 1);
        j = j >= i ? j + 1 : j;
        lines.set(j, lines.get(i));
        content = join(lines);
        what = "line " + (j + 1) + " = line " + (i + 1);
      }
      case VOCAB_BAD_UTF8, TERMS_BAD_UTF8 -> {
        target = kind == Kind.VOCAB_BAD_UTF8 ? WeightFiles.VOCAB : WeightFiles.TERMS;
        byte[] b = read(dir, target);
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xc0, (byte) 0xaf}, {(byte) 0x80}};
        byte[] ins = bad[r.nextInt(bad.length)];
        // inside a line, after its first character (inside the JSON string for vocab.jsonl)
        int at = 1 + r.nextInt(3);
        byte[] c = new byte[b.length + ins.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(ins, 0, c, at, ins.length);
        System.arraycopy(b, at, c, at + ins.length, b.length - at);
        content = c;
        what = "invalid UTF-8 " + Arrays.toString(ins) + " at " + at;
      }
      case VOCAB_EMPTY, TERMS_EMPTY -> {
        target = kind == Kind.VOCAB_EMPTY ? WeightFiles.VOCAB : WeightFiles.TERMS;
        content = new byte[0];
        what = "empty";
      }
      default -> throw new IllegalStateException(kind.toString());
    }
    write(dir, target, content);
    reseal(dir, target, content);
    return new Outcome(kind + " " + target + ": " + what, target, false);
  }

  private static final String WHITESPACE = " \t\r\n\f";

  /** Lists {@code content}'s digest for {@code target} in model.json. */
  private static void reseal(Path dir, String target, byte[] content) throws IOException {
    ObjectNode model = (ObjectNode) JSON.readTree(read(dir, ModelJson.FILE));
    ((ObjectNode) model.get("files")).put(target, Sha256.hex(content));
    write(dir, ModelJson.FILE, JSON.writeValueAsBytes(model));
  }

  private static byte[] rewriteHeader(byte[] npy, java.util.function.UnaryOperator<String> edit) {
    int headerLen = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff;
    String header = new String(npy, 10, headerLen, StandardCharsets.ISO_8859_1);
    byte[] h = edit.apply(header.stripTrailing()).getBytes(StandardCharsets.ISO_8859_1);
    int padded = h.length + 1;
    ByteBuffer out = ByteBuffer.allocate(10 + padded + npy.length - 10 - headerLen).order(ByteOrder.LITTLE_ENDIAN);
    out.put(npy, 0, 8).putShort((short) padded).put(h).put((byte) '\n').put(npy, 10 + headerLen, npy.length - 10 - headerLen);
    return out.array();
  }

  /** Every (parent, key) in model.json, objects by name and arrays by index. */
  private static void collectSlots(JsonNode node, List<Object[]> out) {
    if (node instanceof ObjectNode o) {
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        out.add(new Object[] {o, k});
        collectSlots(o.get(k), out);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        out.add(new Object[] {a, i});
        collectSlots(a.get(i), out);
      }
    }
  }

  private static JsonNode wrongType(JsonNode old, Random r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<JsonNode> options = new ArrayList<>(List.of(f.nullNode(), f.objectNode(), f.arrayNode()));
    if (!old.isTextual()) {
      options.add(f.textNode(old.isContainerNode() ? "x" : old.asText()));
    }
    if (!old.isNumber()) {
      options.add(f.numberNode(1));
      options.add(f.numberNode(0.5));
    }
    if (!old.isBoolean()) {
      options.add(f.booleanNode(true));
    }
    if (old.isIntegralNumber()) {
      options.add(f.numberNode(old.asDouble() + 0.5));
    }
    options.removeIf(o -> o.getNodeType() == old.getNodeType() && !(old.isIntegralNumber() && o.isFloatingPointNumber()));
    return options.get(r.nextInt(options.size()));
  }

  private static JsonNode hugeNumber(Random r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    JsonNode[] options = {f.numberNode(Integer.MAX_VALUE), f.numberNode(Integer.MIN_VALUE), f.numberNode(-1),
        f.numberNode(0), f.numberNode(4294967297L), f.numberNode(Long.MAX_VALUE), f.numberNode(1e308),
        f.numberNode(new java.math.BigInteger("1" + "0".repeat(40))), f.numberNode(new java.math.BigDecimal("1e400")),
        f.numberNode(65536), f.numberNode(1 << 20)};
    return options[r.nextInt(options.length)];
  }

  private static JsonNode randomJson(Random r, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (depth > 3 ? r.nextInt(4) : r.nextInt(7)) {
      case 0 -> { return f.numberNode(r.nextInt()); }
      case 1 -> { return f.textNode(Long.toString(r.nextLong(), 36)); }
      case 2 -> { return r.nextBoolean() ? f.booleanNode(r.nextBoolean()) : f.nullNode(); }
      case 3 -> { return f.numberNode(r.nextGaussian()); }
      case 4 -> {
        ArrayNode a = f.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(randomJson(r, depth + 1));
        }
        return a;
      }
      default -> {
        ObjectNode o = f.objectNode();
        String[] keys = {"format", "format_version", "model_id", "window_size", "embedding_dim", "tokenizer",
            "reservoir", "cnn", "files", "layers", "x"};
        for (int i = r.nextInt(6); i > 0; i--) {
          o.set(keys[r.nextInt(keys.length)], randomJson(r, depth + 1));
        }
        if (depth == 0 && r.nextBoolean()) {
          o.put("format", "lsm-model");
          o.put("format_version", 1);
        }
        return o;
      }
    }
  }

  // ------------------------------------------------------------------ serialized bundles

  enum BundleKind { FLIP, TRUNCATE, APPEND, INSERT, SEALED_FLIP, SEALED_HUGE_VARINT, SEALED_TRUNCATE }

  @Property(tries = 400)
  void corruptBundleBytesAreRefused(@ForAll BundleKind kind, @ForAll long seed) {
    base();
    Random r = new Random(seed);
    byte[] b = bundleBytes.clone();
    String what;
    switch (kind) {
      case FLIP -> {
        int p = r.nextInt(b.length);
        b[p] ^= (byte) (1 + r.nextInt(255));
        what = "at " + p;
      }
      case TRUNCATE -> {
        int n = r.nextInt(b.length);
        b = Arrays.copyOf(b, n);
        what = "to " + n;
      }
      case APPEND -> {
        byte[] extra = randomBytes(r, 1 + r.nextInt(16));
        b = Arrays.copyOf(b, b.length + extra.length);
        System.arraycopy(extra, 0, b, bundleBytes.length, extra.length);
        what = extra.length + " bytes";
      }
      case INSERT -> {
        int p = r.nextInt(b.length);
        byte[] ins = randomBytes(r, 1 + r.nextInt(8));
        byte[] c = new byte[b.length + ins.length];
        System.arraycopy(b, 0, c, 0, p);
        System.arraycopy(ins, 0, c, p, ins.length);
        System.arraycopy(b, p, c, p + ins.length, b.length - p);
        b = c;
        what = ins.length + " bytes at " + p;
      }
      default -> {
        byte[] body = BundleCodec.body(b);
        int p = r.nextInt(body.length);
        if (kind == BundleKind.SEALED_FLIP) {
          body[p] ^= (byte) (1 + r.nextInt(255));
          what = "body at " + p;
        } else if (kind == BundleKind.SEALED_TRUNCATE) {
          body = Arrays.copyOf(body, p);
          what = "body to " + p;
        } else {
          byte[][] varints = {{-1, -1, -1, -1, 7}, {-1, -1, -1, -1, 15}, {-128, -128, -128, -128, 4},
              {-1, -1, -1, 7}, {-2, -1, -1, -1, 7}};
          byte[] v = varints[r.nextInt(varints.length)];
          System.arraycopy(v, 0, body, p, Math.min(v.length, body.length - p));
          what = "huge varint " + Arrays.toString(v) + " at body " + p;
        }
        b = BundleCodec.frame(body);
      }
    }
    try {
      ModelBundle back = ModelBundle.fromBytes(b);
      // only a corruption that left the bytes intact may be read
      assertArrayEquals(bundleBytes, back.toBytes(), kind + " " + what + ": accepted");
    } catch (ModelFormatException e) {
      assertTrue(e.getMessage().startsWith("serialized model bundle: "), kind + " " + what + ": " + e.getMessage());
    } catch (Throwable t) {
      throw new AssertionError(kind + " " + what + ": " + t, t);
    }
  }

  @Property(tries = 20)
  void intactBundlesRoundTrip(@ForAll long seed) {
    ModelBundle b = TestModels.builder().seed(seed).vocab(5 + (int) Math.floorMod(seed, 30)).build();
    byte[] bytes = b.toBytes();
    ModelBundle back = ModelBundle.fromBytes(bytes);
    assertEquals(b.fingerprint(), back.fingerprint());
    assertArrayEquals(bytes, back.toBytes());
    // the same through a stream-backed Kryo input with a small buffer, as Spark reads it
    try (Input in = new Input(new java.io.ByteArrayInputStream(bytes), 64)) {
      ModelBundle streamed = new com.esotericsoftware.kryo.Kryo() {{
          setRegistrationRequired(true);
          register(ModelBundle.class, new BundleCodec());
        }}.readObject(in, ModelBundle.class);
      assertEquals(b.fingerprint(), streamed.fingerprint());
      assertEquals(b.tensors(), streamed.tensors());
    }
  }

  // ------------------------------------------------------------------ helpers

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static List<String> lines(byte[] b) {
    return new ArrayList<>(new String(b, StandardCharsets.UTF_8).lines().toList());
  }

  private static byte[] join(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append(l).append('\n'));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] read(Path dir, String name) throws IOException {
    return Files.readAllBytes(dir.resolve(name));
  }

  private static void write(Path dir, String name, byte[] bytes) throws IOException {
    Files.write(dir.resolve(name), bytes);
  }

  /** Copies a model directory; Hadoop's .crc side files only when asked (stale after a corruption). */
  private static void copy(Path from, Path to, boolean withCrc) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (withCrc || !p.getFileName().toString().endsWith(".crc")) {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
