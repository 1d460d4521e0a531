package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.Prediction;
import org.lsmspark.tokenizer.Tokenizer;

class PredictionLinesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Prediction PREDICTION = new Prediction(new float[] {0.1f, -2.5e-8f, 1f / 3, Float.MIN_VALUE},
      new Tokenizer.Decoding("Sure, \"7 pm\"\u00e9\n?", 0.87654321f, List.of(
          new Tokenizer.Candidate("Sure, \"7 pm\"\u00e9\n?", 4, 0.87654321f), new Tokenizer.Candidate("No.", 9, -0.25f))));

  /** The rows are what the tree model wrote before: one object a line, same fields, same number spelling. */
  @Test
  void writesTheRowsTheTreeModelWrote() throws IOException {
    for (boolean embedding : new boolean[] {false, true}) {
      StringWriter out = new StringWriter();
      try (PredictionLines lines = new PredictionLines(out, embedding)) {
        lines.prediction(new WindowLine.Id("w\u00e9 1", true), PREDICTION);
        lines.error(new WindowLine.Id("12", false), "line 12: invalid JSON");
        lines.prediction(new WindowLine.Id("1.50", false), PREDICTION);
      }
      String expected = tree(JSON.getNodeFactory().textNode("w\u00e9 1"), embedding) + "\n"
          + "{\"id\":12,\"error\":\"line 12: invalid JSON\"}\n"
          + tree(JSON.getNodeFactory().rawValueNode(new com.fasterxml.jackson.databind.util.RawValue("1.50")), embedding)
          + "\n";
      assertEquals(expected, out.toString(), "embedding " + embedding);
    }
  }

  private static String tree(com.fasterxml.jackson.databind.JsonNode id, boolean embedding) throws IOException {
    ObjectNode row = JSON.createObjectNode();
    row.set("id", id);
    row.put("predicted_text", PREDICTION.predictedText());
    row.put("confidence", PREDICTION.confidence());
    ArrayNode top = row.putArray("top_k");
    for (Tokenizer.Candidate c : PREDICTION.topK()) {
      top.addObject().put("text", c.text()).put("score", c.score());
    }
    if (embedding) {
      ArrayNode e = row.putArray("embedding");
      for (float v : PREDICTION.embedding()) {
        e.add(v);
      }
    }
    return JSON.writeValueAsString(row);
  }
}
