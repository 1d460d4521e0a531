package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lsmspark.model.Golden;
import org.lsmspark.model.Tensor;
import org.lsmspark.reservoir.TurnState;
import org.lsmspark.reservoir.Waveform;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Each golden fixture through the core, stage by stage: window embeddings, waveforms [N, H, Wd, C],
 * predicted embeddings and predictions, with the fixture's tolerances (check_predictions.py).
 */
class LsmModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOL = 2e-4;
  private static final double TIE = 1e-5;

  @ParameterizedTest
  @ValueSource(strings = {"V1", "V2"})
  void goldenWindowsMatchTheReferenceAtEveryStage(String version) throws IOException {
    Golden golden = version.equals("V1") ? Golden.V1 : Golden.V2;
    LsmModel model = LsmModel.of(golden.bundle());
    // the tokenizer looks texts up in the index the bundle built when it checked them
    assertSame(golden.bundle().vocabulary(), model.tokenizer().vocabulary());
    assertSame(golden.bundle().terms(), model.tokenizer().terms());
    List<JsonNode> expected = lines(golden, "expected.jsonl");
    List<List<String>> windows = new ArrayList<>();
    for (JsonNode w : lines(golden, "windows.jsonl")) {
      List<String> turns = new ArrayList<>();
      w.get("turns").forEach(t -> turns.add(t.textValue()));
      windows.add(turns);
    }
    Tensor embeddings = golden.npy("debug/window_embeddings.npy");
    Tensor waves = golden.npy("debug/waveforms.npy");
    Tensor predicted = golden.npy("debug/predictions.npy");
    Waveform waveform = Waveform.of(model.config());
    int w = model.windowSize();
    int d = model.config().embeddingDim();
    int size = waveform.size();
    assertEquals(windows.size() * size, waves.size());
    List<Prediction> predictions = model.predict(windows, 5);
    double[] wave = new double[size];
    for (int i = 0; i < windows.size(); i++) {
      String at = golden + " window " + i;
      TurnState[] turns = new TurnState[w];
      for (int t = 0; t < w; t++) {
        float[] e = model.tokenizer().encode(windows.get(i).get(t));
        assertClose(embeddings, (i * w + t) * d, e, at + " turn " + t + " embedding");
        turns[t] = model.turn(e);
      }
      waveform.render(turns, wave, 0);
      for (int k = 0; k < size; k++) {
        assertEquals(waves.get(i * size + k), wave[k], 1e-5, at + " waveform value " + k);
      }
      float[] p = model.predictEmbedding(turns);
      assertClose(predicted, i * d, p, at + " predicted embedding");
      assertArrayEquals(p, predictions.get(i).embedding(), at + ": predict() takes the same path");
      assertMatches(expected.get(i), predictions.get(i), at);
    }
  }

  /** The checker's rules: scores within 2e-4, and a different text only where the reference ties. */
  private static void assertMatches(JsonNode exp, Prediction actual, String at) {
    JsonNode candidates = exp.has("candidates") ? exp.get("candidates") : null;
    JsonNode top = exp.get("top_k");
    List<Tokenizer.Candidate> got = actual.topK();
    assertEquals(top.size(), got.size(), at);
    for (int r = 0; r < top.size(); r++) {
      double score = top.get(r).get("score").asDouble();
      assertEquals(score, got.get(r).score(), TOL, at + " rank " + r);
      String text = got.get(r).text();
      if (!text.equals(top.get(r).get("text").textValue())) {
        assertTrue(candidates != null && candidates.has(text)
            && Math.abs(candidates.get(text).asDouble() - score) <= TIE, at + " rank " + r + ": " + text);
      }
    }
    assertEquals(exp.get("confidence").asDouble(), actual.confidence(), TOL, at + " confidence");
    String want = exp.get("predicted_text").textValue();
    if (!want.equals(actual.predictedText())) {
      assertTrue(!want.equals("[UNKNOWN]") && candidates != null && candidates.has(actual.predictedText())
          && Math.abs(candidates.get(actual.predictedText()).asDouble() - top.get(0).get("score").asDouble()) <= TIE,
          at + " predicted " + actual.predictedText());
    }
  }

  private static void assertClose(Tensor expected, int offset, float[] actual, String what) {
    double scale = 1;
    for (int k = 0; k < actual.length; k++) {
      scale = Math.max(scale, Math.abs(expected.get(offset + k)));
    }
    for (int k = 0; k < actual.length; k++) {
      assertEquals(expected.get(offset + k), actual[k], TOL * scale, what + " value " + k);
    }
  }

  private static List<JsonNode> lines(Golden golden, String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(golden.dir().resolve(file))) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
