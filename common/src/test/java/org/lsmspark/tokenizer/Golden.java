package org.lsmspark.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TokenizerConfig;

/** The golden-v1 fixture on the test classpath. */
final class Golden {
  static final String ROOT = "/golden-v1/";
  static final ObjectMapper JSON = new ObjectMapper();

  private Golden() {}

  static List<String> lines(String resource) throws IOException {
    try (InputStream in = Golden.class.getResourceAsStream(ROOT + resource)) {
      if (in == null) {
        throw new IOException(ROOT + resource + ": not on the test classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<String> out = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        out.add(line);
      }
      return out;
    }
  }

  static List<JsonNode> jsonLines(String resource) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines(resource)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  static List<String> jsonStrings(String resource) throws IOException {
    return jsonLines(resource).stream().map(JsonNode::textValue).toList();
  }

  static Tensor npy(String resource) {
    return org.lsmspark.model.Golden.V1.npy(resource);
  }

  static TokenizerConfig config(JsonNode t) {
    return new TokenizerConfig(t.get("max_features").asInt(), t.get("min_df").asInt(),
        t.get("ngram_max").asInt(), t.get("stop_words").asText(), t.get("lowercase").asBoolean(),
        t.get("token_pattern").asText(), t.get("unknown_threshold").asDouble());
  }

  static Tokenizer modelTokenizer() throws IOException {
    JsonNode model;
    try (InputStream in = Golden.class.getResourceAsStream(ROOT + "model/model.json")) {
      model = JSON.readTree(in);
    }
    return new Tokenizer(config(model.get("tokenizer")),
        lines("model/tokenizer/terms.txt"),
        npy("model/tokenizer/idf.npy"),
        npy("model/tokenizer/components.npy"),
        jsonStrings("model/tokenizer/vocab.jsonl"),
        npy("model/tokenizer/vocab_embeddings.npy"));
  }

  /** The tokenizer of a fixture's model, as {@code LsmModel} builds it from the bundle. */
  static Tokenizer modelTokenizer(org.lsmspark.model.Golden fixture) {
    return org.lsmspark.inference.LsmModel.of(fixture.bundle()).tokenizer();
  }
}
