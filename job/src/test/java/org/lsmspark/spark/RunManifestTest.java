package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunManifestTest {
  static final RunManifest MANIFEST = new RunManifest("run-1", "m1", "f00d", "file:/m", "file:/in", "file:/out",
      "2026-11-28", "2026-11-28T10:00:00Z",
      new RunManifest.Options("all", 10, 256, 5, 10_000, 256L << 20, false, 4,
          new RunManifest.Columns("dialogue_id", "turn_index", "text")),
      new RunManifest.Counts(3, 40, 10, 1, 30, 0, 10), Map.of("driver", 1L),
      new RunManifest.Engines(0, 1_250, 9, 10, Map.of("prediction", new RunManifest.Cache(9, 4_096, 0, 1, 10, 0.1)), 1),
      new RunManifest.Durations(1.5, 2.25, 0.5, 4.25, 1.75), 4.44);

  static List<String> keys(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void theJsonHasTheDocumentedKeysAndReadsBackEqual() throws Exception {
    String json = MANIFEST.toJson();
    JsonNode root = new ObjectMapper().readTree(json);
    assertEquals(List.of("run_id", "model_id", "model_fingerprint", "model", "input", "output", "run_date",
        "finished_at", "options", "counts", "model_loads_per_executor", "engines", "durations", "windows_per_second",
        "table"), keys(root));
    assertEquals(List.of("format", "version"), keys(root.get("table")));
    assertEquals("parquet", root.get("table").get("format").asText());
    assertEquals(List.of("mode", "min_context", "batch_size", "top_k", "cache_size", "cache_memory_bytes",
        "legacy_mode", "partitions", "columns"), keys(root.get("options")));
    assertEquals(List.of("conversation", "turn_index", "text"), keys(root.get("options").get("columns")));
    assertEquals(List.of("conversations", "turns_read", "windows_scored", "errors", "skipped_short_context",
        "duplicate_turns", "rows_written"), keys(root.get("counts")));
    assertEquals(List.of("heap_trims", "load_millis", "model_windows", "windows", "caches", "executors"),
        keys(root.get("engines")));
    assertEquals(List.of("entries", "estimated_bytes", "evictions", "hits", "requests", "hit_rate"),
        keys(root.get("engines").get("caches").get("prediction")));
    assertEquals(List.of("prepare_seconds", "score_and_write_seconds", "verify_seconds", "total_seconds",
        "scoring_task_seconds"), keys(root.get("durations")));
    assertEquals(1L, root.get("model_loads_per_executor").get("driver").asLong());
    assertEquals(MANIFEST, RunManifest.fromJson(json, "x.json"));
  }

  @Test
  void anInvalidManifestIsRefusedWithItsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunManifest.fromJson("{\"run_id\": [", "out/_runs/r.json"));
    assertTrue(e.getMessage().startsWith("run manifest out/_runs/r.json is not valid"), e.getMessage());
  }
}
