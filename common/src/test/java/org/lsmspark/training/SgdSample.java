package org.lsmspark.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The first 300 dialogues of the bundled SGD sample (see NOTICE), as conversations of turn texts. */
final class SgdSample {
  private static List<List<String>> cached;

  private SgdSample() {}

  static synchronized List<List<String>> dialogues() {
    if (cached == null) {
      ObjectMapper json = new ObjectMapper();
      List<List<String>> out = new ArrayList<>();
      String current = null;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
          SgdSample.class.getResourceAsStream("/org/lsmspark/sample/sgd-sample.jsonl.gz")), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          JsonNode n = json.readTree(line);
          String id = n.get("dialogue_id").asText();
          if (!id.equals(current)) {
            if (out.size() == 300) {
              break;
            }
            out.add(new ArrayList<>());
            current = id;
          }
          out.get(out.size() - 1).add(n.get("text").asText());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cached = List.copyOf(out);
    }
    return cached;
  }
}
