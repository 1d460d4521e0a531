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
      new RunManifest.Counts(3, 40, 10, 1, 29, 0, 1, 10), Map.of("driver", 1L),
      new RunManifest.Engines(0, 1_250, 9, 10, Map.of("prediction", new RunManifest.Cache(9, 4_096, 0, 1, 10, 0.1)), 1,
          new RunManifest.Decode("approximate", 0.25, 8, 0.875, 0.95)),
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
        "finished_at", "lsm_spark", "options", "counts", "model_loads_per_executor", "engines", "durations", "windows_per_second",
        "table"), keys(root));
    assertEquals(List.of("format", "version"), keys(root.get("table")));
    assertEquals("parquet", root.get("table").get("format").asText());
    assertEquals(List.of("mode", "min_context", "batch_size", "top_k", "cache_size", "cache_memory_bytes",
        "legacy_mode", "partitions", "columns"), keys(root.get("options")));
    assertEquals(List.of("conversation", "turn_index", "text"), keys(root.get("options").get("columns")));
    assertEquals(List.of("conversations", "turns_read", "windows_scored", "errors", "skipped_short_context",
        "duplicate_turns", "turns_without_key", "rows_written"), keys(root.get("counts")));
    assertEquals(List.of("heap_trims", "load_millis", "model_windows", "windows", "caches", "executors", "decode"),
        keys(root.get("engines")));
    assertEquals(List.of("mode", "check_rate", "checked", "recall@1", "recall@5"),
        keys(root.get("engines").get("decode")));
    assertEquals(0.875, root.get("engines").get("decode").get("recall@1").asDouble());
    assertEquals(List.of("entries", "estimated_bytes", "evictions", "hits", "requests", "hit_rate"),
        keys(root.get("engines").get("caches").get("prediction")));
    assertEquals(List.of("prepare_seconds", "score_and_write_seconds", "verify_seconds", "total_seconds",
        "scoring_task_seconds"), keys(root.get("durations")));
    assertEquals(1L, root.get("model_loads_per_executor").get("driver").asLong());
    assertEquals(LsmSparkVersion.of(), root.get("lsm_spark").asText(), "the version that wrote it");
    assertEquals(MANIFEST, RunManifest.fromJson(json, "x.json"));
  }

  @Test
  void anInvalidManifestIsRefusedWithItsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunManifest.fromJson("{\"run_id\": [", "out/_runs/r.json"));
    assertTrue(e.getMessage().startsWith("run manifest out/_runs/r.json is not valid"), e.getMessage());
  }

  /**
   * A manifest written before the decode, the turns without a key and lsm-spark's version were
   * recorded (no engines.decode, counts.turns_without_key, lsm_spark) still loads: the decode and
   * the version null, the count 0.
   */
  @Test
  void aManifestWithoutTheDecodeStillLoads() throws Exception {
    ObjectMapper json = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
        json.readTree(MANIFEST.toJson());
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("engines")).remove("decode");
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("counts")).remove("turns_without_key");
    root.remove("lsm_spark");
    RunManifest old = RunManifest.fromJson(json.writeValueAsString(root), "old.json");
    assertEquals(null, old.engines().decode());
    assertEquals(null, old.lsmSpark());
    assertEquals(MANIFEST.engines().caches(), old.engines().caches());
    RunManifest.Counts c = MANIFEST.counts();
    assertEquals(new RunManifest.Counts(c.conversations(), c.turnsRead(), c.windowsScored(), c.errors(),
        c.skippedShortContext(), c.duplicateTurns(), 0, c.rowsWritten()), old.counts());
    assertTrue(!keys(json.readTree(old.toJson()).get("engines")).contains("decode"), "written back without it");
  }

  /** Nothing checked (exact decode): the recall is null, not NaN, and reads back equal. */
  @Test
  void anExactDecodeHasNullRecall() throws Exception {
    RunManifest.Decode exact = RunManifest.Decode.of(
        new org.lsmspark.inference.DecodeStats(org.lsmspark.tokenizer.DecodeMode.EXACT, 0.01, 0, 0, 0, 0));
    RunManifest.Engines e = MANIFEST.engines();
    RunManifest m = new RunManifest(MANIFEST.runId(), MANIFEST.modelId(), MANIFEST.modelFingerprint(),
        MANIFEST.model(), MANIFEST.input(), MANIFEST.output(), MANIFEST.runDate(), MANIFEST.finishedAt(),
        MANIFEST.options(), MANIFEST.counts(), MANIFEST.modelLoadsPerExecutor(),
        new RunManifest.Engines(e.heapTrims(), e.loadMillis(), e.modelWindows(), e.windows(), e.caches(),
            e.executors(), exact), MANIFEST.durations(), MANIFEST.windowsPerSecond());
    JsonNode decode = new ObjectMapper().readTree(m.toJson()).get("engines").get("decode");
    assertEquals("exact", decode.get("mode").asText());
    assertTrue(decode.get("recall@1").isNull());
    assertEquals(m, RunManifest.fromJson(m.toJson(), "x.json"));
  }
}
