package org.lsmspark.spark;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lsmspark.inference.DecodeStats;

/**
 * The manifest of a scoring run, {@code OUT/_runs/RUN_ID.json}: what ran, on what, with which
 * options, what it counted and how long it took. Written and read with Jackson; the keys are
 * the snake-case names of the components (the README documents them).
 */
@JsonPropertyOrder({"run_id", "model_id", "model_fingerprint", "model", "input", "output", "run_date", "finished_at",
    "lsm_spark", "options", "counts", "model_loads_per_executor", "engines", "durations", "windows_per_second", "table",
    "incremental"})
public record RunManifest(String runId, String modelId, String modelFingerprint, String model, String input,
    String output, String runDate, String finishedAt, String lsmSpark, Options options, Counts counts,
    Map<String, Long> modelLoadsPerExecutor, Engines engines, Durations durations, double windowsPerSecond,
    Table table, @JsonInclude(JsonInclude.Include.NON_NULL) Incremental incremental) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // a newer writer may add keys

  public RunManifest {
    modelLoadsPerExecutor = Map.copyOf(modelLoadsPerExecutor);
  }

  /** A batch run's manifest into a Parquet folder (no table version), by this version of lsm-spark. */
  public RunManifest(String runId, String modelId, String modelFingerprint, String model, String input,
      String output, String runDate, String finishedAt, Options options, Counts counts,
      Map<String, Long> modelLoadsPerExecutor, Engines engines, Durations durations, double windowsPerSecond) {
    this(runId, modelId, modelFingerprint, model, input, output, runDate, finishedAt, LsmSparkVersion.of(), options,
        counts, modelLoadsPerExecutor, engines, durations, windowsPerSecond,
        new Table(TableFormat.PARQUET.label(), TableCommit.NO_VERSION), null);
  }

  /** The table the run committed to: its format and the version its (last) commit created, -1 if none. */
  @JsonPropertyOrder({"format", "version"})
  public record Table(String format, long version) {}

  /** An incremental run: its checkpoint and the micro-batches it committed, in order. */
  @JsonPropertyOrder({"checkpoint", "batches"})
  public record Incremental(String checkpoint, List<Batch> batches) {
    public Incremental {
      batches = List.copyOf(batches);
    }
  }

  /** One micro-batch: its id, the table version it committed (-1 when skipped as already committed), its rows. */
  @JsonPropertyOrder({"batch_id", "table_version", "skipped", "conversations", "windows", "rows_written"})
  public record Batch(long batchId, long tableVersion, boolean skipped, long conversations, long windows,
      long rowsWritten) {}

  /** How the run was asked to score. */
  @JsonPropertyOrder({"mode", "min_context", "batch_size", "top_k", "cache_size", "cache_memory_bytes", "legacy_mode",
      "partitions", "columns"})
  public record Options(String mode, int minContext, int batchSize, int topK, int cacheSize, long cacheMemoryBytes,
      boolean legacyMode, int partitions, Columns columns) {}

  /** The input's column names. */
  @JsonPropertyOrder({"conversation", "turn_index", "text"})
  public record Columns(String conversation, String turnIndex, String text) {}

  /** What the run read, scored and wrote. */
  @JsonPropertyOrder({"conversations", "turns_read", "windows_scored", "errors", "skipped_short_context",
      "duplicate_turns", "turns_without_key", "rows_written"})
  public record Counts(long conversations, long turnsRead, long windowsScored, long errors, long skippedShortContext,
      long duplicateTurns, long turnsWithoutKey, long rowsWritten) {}

  /**
   * The executors' engines over this run, summed: counters since the run began, caches as they
   * ended, the decode. {@code decode} is null only in manifests written before it was recorded.
   */
  @JsonPropertyOrder({"heap_trims", "load_millis", "model_windows", "windows", "caches", "executors", "decode"})
  public record Engines(long heapTrims, long loadMillis, long modelWindows, long windows, Map<String, Cache> caches,
      int executors, @JsonInclude(JsonInclude.Include.NON_NULL) Decode decode) {
    public Engines {
      caches = new TreeMap<>(caches);
    }

    /** Engines without a recorded decode (as in a manifest from before it was recorded). */
    public Engines(long heapTrims, long loadMillis, long modelWindows, long windows, Map<String, Cache> caches,
        int executors) {
      this(heapTrims, loadMillis, modelWindows, windows, caches, executors, null);
    }
  }

  /**
   * The decode mode and, for approximate decoding, recall@1 and recall@5 against exact over the
   * embeddings sampled for the check on every executor (null when none was checked).
   */
  @JsonPropertyOrder({"mode", "check_rate", "checked", "recall@1", "recall@5"})
  public record Decode(String mode, double checkRate, long checked, @JsonProperty("recall@1") Double recallAt1,
      @JsonProperty("recall@5") Double recallAt5) {
    static Decode of(DecodeStats d) {
      return new Decode(d.mode().toString(), d.checkRate(), d.checked(), finite(d.recallAt1()), finite(d.recallAt5()));
    }

    private static Double finite(double v) {
      return Double.isNaN(v) ? null : v;
    }
  }

  /** One cache of the engines, summed over executors. */
  @JsonPropertyOrder({"entries", "estimated_bytes", "evictions", "hits", "requests", "hit_rate"})
  public record Cache(long entries, long estimatedBytes, long evictions, long hits, long requests, double hitRate) {}

  /**
   * Phase durations in seconds: preparing (the output table opened and checked, the model read on
   * the driver and broadcast, the input opened), scoring and writing (the turns read and shuffled
   * into conversations, scored, written, committed), verifying (the committed rows counted);
   * {@code scoring_task_seconds} is summed over tasks.
   */
  @JsonPropertyOrder({"prepare_seconds", "score_and_write_seconds", "verify_seconds", "total_seconds",
      "scoring_task_seconds"})
  public record Durations(double prepareSeconds, double scoreAndWriteSeconds, double verifySeconds,
      double totalSeconds, double scoringTaskSeconds) {}

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the manifest of run " + runId + " as JSON", e);
    }
  }

  /** The manifest in {@code json}; {@code source} names it in errors. */
  public static RunManifest fromJson(String json, String source) {
    try {
      return JSON.readValue(json, RunManifest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("run manifest " + Redaction.path(source) + " is not valid: "
          + e.getOriginalMessage(), e);
    }
  }
}
