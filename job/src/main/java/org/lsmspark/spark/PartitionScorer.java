package org.lsmspark.spark;

import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.lsmspark.inference.InferenceEngine;
import org.lsmspark.inference.WindowResult;
import org.lsmspark.inference.Prediction;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Scores one partition of turns sorted by conversation and turn index: windows are assembled
 * with a bounded buffer, scored in chunks of the batch size and emitted as they come, so memory
 * does not grow with the partition.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
  /** Identifies this scoring pass on the executors, whose engines outlive it. */
  private final String runId;
  private final Broadcast<byte[]> model;
  private final String fingerprint;
  private final String modelId;
  private final int window;
  private final ScoreSettings settings;
  private final Metrics metrics;

  /** Accumulators of the scoring pass; exact because scoring runs in the final stage of the write. */
  record Metrics(CountsByKey modelLoads, EngineStatsAccumulator engineStats, LongAccumulator turns, LongAccumulator conversations,
      LongAccumulator windows, LongAccumulator errors, LongAccumulator skippedShortContext,
      LongAccumulator duplicates, LongAccumulator scoringNanos) implements java.io.Serializable {}

  PartitionScorer(String runId, Broadcast<byte[]> model, String fingerprint, String modelId, int window,
      ScoreSettings settings, Metrics metrics) {
    this.runId = runId;
    this.model = model;
    this.fingerprint = fingerprint;
    this.modelId = modelId;
    this.window = window;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TurnWindows.Counts counts = new TurnWindows.Counts();
    Iterator<TurnWindows.Turn> turns = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public TurnWindows.Turn next() {
        Row r = rows.next();
        return new TurnWindows.Turn(r.getString(0), r.getInt(1), r.isNullAt(2) ? null : r.getString(2));
      }
    };
    TurnWindows windows = new TurnWindows(turns, window, settings.minContext(window), settings.mode(), counts);
    return new Iterator<>() {
      private final ArrayDeque<Row> out = new ArrayDeque<>();
      private boolean reported;
      private ExecutorEngines.RunEngine engine;

      @Override
      public boolean hasNext() {
        if (out.isEmpty()) {
          fill();
        }
        if (out.isEmpty() && !reported) {
          reported = true;
          metrics.turns().add(counts.turns);
          metrics.conversations().add(counts.conversations);
          metrics.skippedShortContext().add(counts.skippedShortContext);
          metrics.duplicates().add(counts.duplicates);
          if (engine != null) {
            metrics.engineStats().add(engine.snapshot());
          }
        }
        return !out.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.poll();
      }

      private void fill() {
        List<TurnWindows.Window> chunk = new ArrayList<>(settings.batchSize());
        while (chunk.size() < settings.batchSize() && windows.hasNext()) {
          chunk.add(windows.next());
        }
        if (!chunk.isEmpty()) {
          if (engine == null) {
            engine = ExecutorEngines.get(runId, fingerprint, model, settings, metrics.modelLoads());
          }
          score(engine.engine(), chunk, out);
        }
      }
    };
  }

  private void score(InferenceEngine engine, List<TurnWindows.Window> chunk, ArrayDeque<Row> out) {
    long t0 = System.nanoTime();
    List<List<String>> valid = new ArrayList<>();
    for (TurnWindows.Window w : chunk) {
      if (w.error() == null) {
        valid.add(w.turns());
      }
    }
    List<WindowResult> results = engine.predictBatch(valid, settings.topK());
    Timestamp now = new Timestamp(System.currentTimeMillis());
    int p = 0;
    for (TurnWindows.Window w : chunk) {
      WindowResult result = w.error() == null ? results.get(p++) : WindowResult.error(w.error());
      if (!result.isOk()) {
        metrics.errors().add(1);
        out.add(RowFactory.create(w.conversationId(), w.turnIndex(), null, null, null, w.actualText(), modelId, now,
            ScoreSchema.STATUS_ERROR, result.error()));
      } else {
        Prediction pr = result.get();
        List<Row> top = new ArrayList<>(pr.topK().size());
        for (Tokenizer.Candidate c : pr.topK()) {
          top.add(RowFactory.create(c.text(), c.score()));
        }
        out.add(RowFactory.create(w.conversationId(), w.turnIndex(), pr.predictedText(), pr.confidence(),
            scala.jdk.javaapi.CollectionConverters.asScala(top).toSeq(), w.actualText(), modelId, now,
            ScoreSchema.STATUS_OK, null));
      }
      metrics.windows().add(1);
    }
    metrics.scoringNanos().add(System.nanoTime() - t0);
  }
}
