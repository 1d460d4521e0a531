package org.lsmspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.inference.Prediction;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lsm predict}: next-turn predictions for windows given as JSON lines. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Predicts the next turn of each window in a JSON-lines file.",
      "Input lines: {\"id\": ..., \"turns\": [W strings]}. Output lines, in input order:",
      "{\"id\", \"predicted_text\", \"confidence\", \"top_k\": [{\"text\", \"score\"}...], \"embedding\"?},",
      "or {\"id\", \"error\"} for a line that cannot be scored. Exits 1 when any line failed."
    })
final class PredictCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, description = "Model directory (any Hadoop file system path).")
  String model;

  @Option(names = "--input", required = true, description = "Windows, JSON lines (.gz allowed).")
  Path input;

  @Option(names = "--output", required = true, description = "Predictions, JSON lines; written atomically.")
  Path output;

  @Option(names = "--top-k", defaultValue = "5", description = "Candidates per prediction (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--batch-size", defaultValue = "256", description = "Windows per model call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--emit-embedding", description = "Also write each predicted embedding.")
  boolean emitEmbedding;

  @Override
  public Integer call() throws IOException {
    Options.positive("--top-k", topK);
    Options.positive("--batch-size", batchSize);
    if (!Files.isRegularFile(input)) {
      throw new Main.UserException("input " + input + " does not exist or is not a file");
    }
    long t0 = System.nanoTime();
    LsmModel lsm = LsmModel.of(ModelDirectory.read(model));
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    Path tmp = output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".partial");
    long windows = 0;
    long failed = 0;
    long t1 = System.nanoTime();
    try (JsonLines lines = new JsonLines(input);
        BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      List<Item> chunk = new ArrayList<>(batchSize);
      for (JsonLines.Line line = lines.next(); ; line = lines.next()) {
        if (line != null && line.text() != null && line.text().isBlank()) {
          continue;
        }
        if (line != null) {
          chunk.add(Item.parse(line, lsm.windowSize()));
        }
        if (chunk.size() == batchSize || (line == null && !chunk.isEmpty())) {
          failed += score(lsm, chunk, out);
          windows += chunk.size();
          chunk.clear();
        }
        if (line == null) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    double seconds = (System.nanoTime() - t1) / 1e9;
    System.err.printf("lsm predict: %d windows, %d failed, model loaded in %.2f s, scored in %.2f s (%.1f windows/s) -> %s%n",
        windows, failed, loadSeconds, seconds, (windows - failed) / Math.max(seconds, 1e-9), output);
    if (failed > 0) {
      System.err.printf("lsm predict: %d of %d lines failed; see their \"error\" field in %s%n", failed, windows, output);
    }
    return failed > 0 ? 1 : 0;
  }

  /** Scores the valid items of a chunk together, writes every item in order; returns the failures. */
  private long score(LsmModel lsm, List<Item> chunk, BufferedWriter out) throws IOException {
    List<List<String>> windows = new ArrayList<>();
    for (Item item : chunk) {
      if (item.error == null) {
        windows.add(item.turns);
      }
    }
    List<Prediction> predictions = lsm.predict(windows, topK);
    long failed = 0;
    int p = 0;
    for (Item item : chunk) {
      ObjectNode row = JSON.createObjectNode();
      row.set("id", item.id);
      if (item.error != null) {
        row.put("error", item.error);
        failed++;
      } else {
        write(row, predictions.get(p++));
      }
      out.write(JSON.writeValueAsString(row));
      out.write('\n');
    }
    return failed;
  }

  private void write(ObjectNode row, Prediction prediction) {
    row.put("predicted_text", prediction.predictedText());
    row.put("confidence", prediction.confidence());
    ArrayNode top = row.putArray("top_k");
    for (Tokenizer.Candidate c : prediction.topK()) {
      top.addObject().put("text", c.text()).put("score", c.score());
    }
    if (emitEmbedding) {
      ArrayNode e = row.putArray("embedding");
      for (float v : prediction.embedding()) {
        e.add(v);
      }
    }
  }

  /** One input line: an id and a window, or an error that names what is wrong. */
  private static final class Item {
    final JsonNode id;
    final List<String> turns;
    final String error;

    private Item(JsonNode id, List<String> turns, String error) {
      this.id = id;
      this.turns = turns;
      this.error = error;
    }

    static Item parse(JsonLines.Line line, int window) {
      JsonNode lineNumber = JSON.getNodeFactory().numberNode(line.number());
      if (line.error() != null) {
        return new Item(lineNumber, null, "line " + line.number() + ": " + line.error());
      }
      JsonNode node;
      try {
        node = JSON.readTree(line.text());
      } catch (IOException e) {
        return new Item(lineNumber, null, "line " + line.number() + ": invalid JSON");
      }
      if (node == null || !node.isObject()) {
        return new Item(lineNumber, null, "line " + line.number() + ": not a JSON object");
      }
      JsonNode id = node.get("id");
      if (id == null || id.isNull() || id.isContainerNode()) {
        return new Item(lineNumber, null, "line " + line.number() + ": no \"id\" (a string or number)");
      }
      JsonNode turns = node.get("turns");
      if (turns == null || !turns.isArray()) {
        return new Item(id, null, "line " + line.number() + ": no \"turns\" array");
      }
      if (turns.size() != window) {
        return new Item(id, null, "line " + line.number() + ": " + turns.size()
            + " turns, the model's window is " + window);
      }
      List<String> texts = new ArrayList<>(window);
      for (int i = 0; i < turns.size(); i++) {
        if (!turns.get(i).isTextual()) {
          return new Item(id, null, "line " + line.number() + ": turn " + i + " is not a string");
        }
        texts.add(turns.get(i).asText());
      }
      return new Item(id, texts, null);
    }
  }
}
