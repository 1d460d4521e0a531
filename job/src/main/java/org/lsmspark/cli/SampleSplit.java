package org.lsmspark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Splits the demo's gzipped JSON-lines sample by conversation: the last {@code heldOut} conversations apart. */
final class SampleSplit {
  record Files(Path train, Path heldOut) {}

  private SampleSplit() {}

  static Files write(InputStream gzipped, Path dir, int heldOut) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, List<String>> byConversation = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(gzipped), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String id = json.readTree(line).path("dialogue_id").asText();
        byConversation.computeIfAbsent(id, k -> new ArrayList<>()).add(line);
      }
    }
    if (byConversation.size() <= heldOut) {
      throw new IllegalStateException("the sample has " + byConversation.size() + " conversations, "
          + heldOut + " are to be held out");
    }
    Files out = new Files(dir.resolve("sample-train.jsonl"), dir.resolve("sample-heldout.jsonl"));
    int trainCount = byConversation.size() - heldOut;
    try (BufferedWriter train = java.nio.file.Files.newBufferedWriter(out.train());
        BufferedWriter held = java.nio.file.Files.newBufferedWriter(out.heldOut())) {
      int i = 0;
      for (List<String> lines : byConversation.values()) {
        BufferedWriter w = i++ < trainCount ? train : held;
        for (String line : lines) {
          w.write(line);
          w.write('\n');
        }
      }
    }
    return out;
  }
}
