package org.lsmspark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads and writes {@code model.json}; errors name the key that is wrong. */
final class ModelJson {
  static final String FILE = "model.json";
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ModelJson() {}

  /** The parsed file: the configuration and the SHA-256 of every other file, by relative path. */
  record Parsed(ModelConfig config, Map<String, String> files) {}

  static Parsed parse(byte[] bytes) {
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (Exception e) {
      throw new ModelFormatException(FILE, "not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(FILE, "must hold a JSON object");
    }
    try {
      JsonNode format = root.get("format");
      if (format == null || !format.isTextual() || !"lsm-model".equals(format.asText())) {
        throw new IllegalArgumentException("format is " + (format == null ? "missing" : format)
            + ", expected \"lsm-model\"");
      }
      int version = formatVersion(root);
      JsonNode tok = object(root, "tokenizer");
      TokenizerConfig tokenizer = new TokenizerConfig(
          integer(tok, "tokenizer.max_features"), integer(tok, "tokenizer.min_df"),
          integer(tok, "tokenizer.ngram_max"), text(tok, "tokenizer.stop_words"),
          bool(tok, "tokenizer.lowercase"), text(tok, "tokenizer.token_pattern"),
          number(tok, "tokenizer.unknown_threshold"));
      JsonNode res = object(root, "reservoir");
      List<LayerConfig> layers = new ArrayList<>();
      JsonNode layerNodes = array(res, "reservoir.layers");
      for (int i = 0; i < layerNodes.size(); i++) {
        JsonNode l = layerNodes.get(i);
        String at = "reservoir.layers[" + i + "].";
        layers.add(new LayerConfig(integer(l, at + "units"), number(l, at + "frequency"),
            number(l, at + "amplitude"), number(l, at + "decay")));
      }
      ReservoirConfig reservoir = new ReservoirConfig(
          number(res, "reservoir.sparsity"), bool(res, "reservoir.multichannel"), layers);
      JsonNode cnnNode = object(root, "cnn");
      WaveformConfig waveform = waveform(root, version);
      CnnConfig cnn = new CnnConfig(bool(cnnNode, "cnn.use_attention"),
          integers(cnnNode, "cnn.conv_filters"), integers(cnnNode, "cnn.conv_kernels"),
          integers(cnnNode, "cnn.dense_units"),
          optional(cnnNode, "cnn.pooling", version, CnnConfig.Pooling.class, CnnConfig.Pooling.GLOBAL_AVERAGE));
      ModelConfig config = new ModelConfig(text(root, "model_id"), integer(root, "window_size"),
          integer(root, "embedding_dim"), tokenizer, reservoir, waveform, cnn);
      Map<String, String> files = new TreeMap<>();
      JsonNode filesNode = object(root, "files");
      for (Iterator<Map.Entry<String, JsonNode>> it = filesNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual() || !e.getValue().asText().matches("[0-9a-fA-F]{64}")) {
          throw new IllegalArgumentException("files[\"" + e.getKey() + "\"] is not a SHA-256 hex digest");
        }
        checkRelativePath(e.getKey());
        files.put(e.getKey(), e.getValue().asText().toLowerCase(java.util.Locale.ROOT));
      }
      return new Parsed(config, files);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(FILE, e.getMessage());
    }
  }

  private static int formatVersion(JsonNode root) {
    JsonNode v = root.get("format_version");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()
        || v.asInt() < 1 || v.asInt() > ModelConfig.MAX_FORMAT_VERSION) {
      throw new IllegalArgumentException("format_version " + v + " is not supported; this reader knows "
          + "format_version 1 and " + ModelConfig.MAX_FORMAT_VERSION);
    }
    return v.asInt();
  }

  /** The {@code waveform} section: absent means the v1 layout; only version 2 may hold it. */
  private static WaveformConfig waveform(JsonNode root, int version) {
    JsonNode node = root.get("waveform");
    if (node == null) {
      return WaveformConfig.V1;
    }
    requireVersion2("waveform", version);
    object(root, "waveform");
    WaveformConfig.Layout layout = optional(node, "waveform.layout", version, WaveformConfig.Layout.class,
        WaveformConfig.Layout.ROLLING);
    JsonNode input = node.get("input_channel");
    return new WaveformConfig(layout, input != null && bool(node, "waveform.input_channel"));
  }

  /** A version-2 enum key: its default when absent, refused in a version-1 file. */
  private static <E extends Enum<E>> E optional(JsonNode node, String path, int version, Class<E> type, E absent) {
    if (node.get(path.substring(path.lastIndexOf('.') + 1)) == null) {
      return absent;
    }
    requireVersion2(path, version);
    String value = text(node, path);
    StringBuilder known = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(java.util.Locale.ROOT);
      if (name.equals(value)) {
        return e;
      }
      known.append(known.length() == 0 ? "" : ", ").append('"').append(name).append('"');
    }
    throw new IllegalArgumentException(path + " must be one of " + known + ", got "
        + MAPPER.getNodeFactory().textNode(value));
  }

  // a reader goes by the declared version: a v1 file is read as v1, never upgraded by guessing
  private static void requireVersion2(String key, int version) {
    if (version < 2) {
      throw new IllegalArgumentException(key + " is a format_version 2 key, but format_version is " + version);
    }
  }

  /**
   * A file listed in {@code files} must be a plain relative path inside the directory: segments
   * separated by '/', none empty, "." or "..", and no ':', '\\' or control characters (which a
   * Hadoop path would read as a scheme, a separator or not at all).
   */
  private static void checkRelativePath(String name) {
    String shown = MAPPER.getNodeFactory().textNode(name).toString();
    if (name.startsWith("/") || name.contains("..")) {
      throw new IllegalArgumentException("files lists a path outside the model directory: " + shown);
    }
    boolean ok = !name.isEmpty() && !name.equals(FILE);
    for (String segment : name.split("/", -1)) {
      ok &= !segment.isEmpty() && !segment.equals(".");
    }
    for (int i = 0; i < name.length() && ok; i++) {
      char c = name.charAt(i);
      ok = c >= 0x20 && c != 0x7f && c != ':' && c != '\\';
    }
    if (!ok) {
      throw new IllegalArgumentException("files lists " + shown + ", which is not a plain relative file path");
    }
  }

  /** Canonical bytes: fixed key order, files sorted, two-space indent, trailing newline. */
  static byte[] write(ModelConfig c, Map<String, String> files) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", "lsm-model");
    int version = c.formatVersion();
    root.put("format_version", version);
    root.put("model_id", c.modelId());
    root.put("window_size", c.windowSize());
    root.put("embedding_dim", c.embeddingDim());
    TokenizerConfig t = c.tokenizer();
    ObjectNode tok = root.putObject("tokenizer");
    tok.put("max_features", t.maxFeatures());
    tok.put("min_df", t.minDf());
    tok.put("ngram_max", t.ngramMax());
    tok.put("stop_words", t.stopWords());
    tok.put("lowercase", t.lowercase());
    tok.put("token_pattern", t.tokenPattern());
    tok.put("unknown_threshold", t.unknownThreshold());
    ObjectNode res = root.putObject("reservoir");
    res.put("sparsity", c.reservoir().sparsity());
    res.put("multichannel", c.reservoir().multichannel());
    ArrayNode layers = res.putArray("layers");
    for (LayerConfig l : c.reservoir().layers()) {
      layers.addObject().put("units", l.units()).put("frequency", l.frequency())
          .put("amplitude", l.amplitude()).put("decay", l.decay());
    }
    if (version >= 2) {
      root.putObject("waveform").put("layout", c.waveform().layout().jsonName())
          .put("input_channel", c.waveform().inputChannel());
    }
    ObjectNode cnn = root.putObject("cnn");
    cnn.put("use_attention", c.cnn().useAttention());
    c.cnn().convFilters().forEach(cnn.putArray("conv_filters")::add);
    c.cnn().convKernels().forEach(cnn.putArray("conv_kernels")::add);
    c.cnn().denseUnits().forEach(cnn.putArray("dense_units")::add);
    if (version >= 2) {
      cnn.put("pooling", c.cnn().pooling().jsonName());
    }
    ObjectNode filesNode = root.putObject("files");
    new TreeMap<>(files).forEach(filesNode::put);
    DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return (MAPPER.writer(pretty).writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode field(JsonNode node, String path) {
    JsonNode v = node.get(path.substring(path.lastIndexOf('.') + 1));
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(path + " is missing");
    }
    return v;
  }

  private static JsonNode object(JsonNode node, String path) {
    JsonNode v = field(node, path);
    if (!v.isObject()) {
      throw new IllegalArgumentException(path + " must be an object, got " + v);
    }
    return v;
  }

  private static JsonNode array(JsonNode node, String path) {
    JsonNode v = field(node, path);
    if (!v.isArray()) {
      throw new IllegalArgumentException(path + " must be an array, got " + v);
    }
    return v;
  }

  private static int integer(JsonNode node, String path) {
    JsonNode v = field(node, path);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(path + " must be an integer, got " + v);
    }
    return v.asInt();
  }

  private static List<Integer> integers(JsonNode node, String path) {
    JsonNode v = array(node, path);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isIntegralNumber() || !v.get(i).canConvertToInt()) {
        throw new IllegalArgumentException(path + "[" + i + "] must be an integer, got " + v.get(i));
      }
      out.add(v.get(i).asInt());
    }
    return out;
  }

  private static double number(JsonNode node, String path) {
    JsonNode v = field(node, path);
    if (!v.isNumber()) {
      throw new IllegalArgumentException(path + " must be a number, got " + v);
    }
    return v.asDouble();
  }

  private static boolean bool(JsonNode node, String path) {
    JsonNode v = field(node, path);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(path + " must be true or false, got " + v);
    }
    return v.asBoolean();
  }

  private static String text(JsonNode node, String path) {
    JsonNode v = field(node, path);
    if (!v.isTextual()) {
      throw new IllegalArgumentException(path + " must be a string, got " + v);
    }
    return v.asText();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
