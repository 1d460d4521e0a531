package org.lsmspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;

/**
 * The benchmark inputs: the model and windows written by {@code make_perf_model.py} (by default in
 * /tmp/perf-sgd, {@code -p dir=...} to change), read once per forked JVM.
 */
final class BenchData {
  private static String loadedDir;
  private static ModelBundle bundle;
  private static List<List<String>> windows;

  private BenchData() {}

  static synchronized ModelBundle bundle(String dir) {
    load(dir);
    return bundle;
  }

  static synchronized List<List<String>> windows(String dir) {
    load(dir);
    return windows;
  }

  private static void load(String dir) {
    if (dir.equals(loadedDir)) {
      return;
    }
    bundle = ModelDirectory.read(Path.of(dir, "model").toString());
    ObjectMapper json = new ObjectMapper();
    List<List<String>> ws = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of(dir, "windows.jsonl"))) {
        if (line.isBlank()) {
          continue;
        }
        List<String> turns = new ArrayList<>();
        for (JsonNode t : json.readTree(line).get("turns")) {
          turns.add(t.textValue());
        }
        ws.add(List.copyOf(turns));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    windows = List.copyOf(ws);
    loadedDir = dir;
  }
}
