package org.lsmspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.SparkSession;
import org.lsmspark.spark.Corpus;
import org.lsmspark.spark.SparkSessions;
import org.slf4j.Logger;

/**
 * Reads a training or evaluation corpus onto the driver as conversations (lists of turn texts).
 * Turn tables (Parquet, JSON lines, CSV; see {@link Corpus}) are read with Spark. A local file
 * whose lines are JSON strings (such as the golden fixture's tokenizer corpus) is read directly
 * as one conversation, its lines the turns in order.
 */
final class CorpusInput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CorpusInput() {}

  static List<List<String>> read(String input, String app, Logger log) {
    long t0 = System.nanoTime();
    List<List<String>> dialogues = jsonStrings(input);
    String how = "JSON strings, one conversation";
    if (dialogues == null) {
      // a running session is the caller's (a notebook, a test, an embedding application): use it, leave it running
      boolean ours = !running(SparkSession.getActiveSession()) && !running(SparkSession.getDefaultSession());
      SparkSession spark = SparkSessions.create(app, "local[*]");
      try {
        dialogues = Corpus.dialogues(Corpus.turns(spark, input, Corpus.Columns.defaults()));
      } finally {
        if (ours) {
          spark.stop();
        }
      }
      how = "Spark";
    }
    long turns = dialogues.stream().mapToLong(List::size).sum();
    log.info(String.format("corpus %s: %d conversations, %d turns, read with %s in %.1f s", input,
        dialogues.size(), turns, how, (System.nanoTime() - t0) / 1e9));
    if (turns == 0) {
      throw new Main.UserException("input " + input + " holds no turns");
    }
    return dialogues;
  }

  private static boolean running(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }

  /** The file's lines as one conversation when it is a local file of JSON strings, else null. */
  static List<List<String>> jsonStrings(String input) {
    Path p = Path.of(input.startsWith("file:") ? input.substring("file:".length()) : input);
    if (!Files.isRegularFile(p)) {
      return null;
    }
    String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!(name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".jsonl.gz") || name.endsWith(".json.gz"))) {
      return null;
    }
    try (InputStream raw = Files.newInputStream(p);
        InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> turns = new ArrayList<>();
      int number = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        number++;
        String s = line.strip();
        if (s.isEmpty()) {
          continue;
        }
        if (turns.isEmpty() && !s.startsWith("\"")) {
          return null; // objects: a turn table for Spark
        }
        JsonNode n = JSON.readTree(s);
        if (n == null || !n.isTextual()) {
          throw new Main.UserException("input " + input + " line " + number
              + " is not a JSON string (the file's first line is one, so every line must be)");
        }
        turns.add(n.asText());
      }
      return turns.isEmpty() ? null : List.of(turns);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Main.UserException("input " + input + " is not valid JSON lines: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + input + ": " + e.getMessage(), e);
    }
  }
}
