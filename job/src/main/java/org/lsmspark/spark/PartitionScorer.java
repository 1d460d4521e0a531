package org.lsmspark.spark;

import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.lsmspark.inference.InferenceEngine;
import org.lsmspark.inference.WindowResult;
import org.lsmspark.inference.Prediction;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Scores one partition of turns sorted by conversation and turn index: windows are assembled
 * with a bounded buffer, scored in chunks of the batch size and emitted as they come, so memory
 * does not grow with the partition. Each chunk is scored ({@link ScoreAhead}) while Spark writes
 * the rows of the one before.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
  /** Identifies this scoring pass on the executors, whose engines outlive it. */
  private final String runId;
  private final ShippedModel model;
  private final String modelId;
  private final int window;
  private final ScoreSettings settings;
  private final Metrics metrics;

  /** Accumulators of the scoring pass; exact because scoring runs in the final stage of the write. */
  record Metrics(CountsByKey modelLoads, EngineStatsAccumulator engineStats, LongAccumulator turns, LongAccumulator conversations,
      LongAccumulator windows, LongAccumulator errors, LongAccumulator skippedShortContext,
      LongAccumulator duplicates, LongAccumulator turnsWithoutKey, LongAccumulator scoringNanos) implements java.io.Serializable {}

  PartitionScorer(String runId, ShippedModel model, String modelId, int window, ScoreSettings settings,
      Metrics metrics) {
    this.runId = runId;
    this.model = model;
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
        if (r.isNullAt(0) || r.isNullAt(1)) {
          return TurnWindows.WITHOUT_KEY;
        }
        return new TurnWindows.Turn(r.getString(0), r.getInt(1), r.isNullAt(2) ? null : r.getString(2), r.getBoolean(3));
      }
    };
    TurnWindows windows = new TurnWindows(turns, window, settings.minContext(window), settings.mode(), counts);
    return new Iterator<>() {
      private final ArrayDeque<Row> out = new ArrayDeque<>();
      private boolean reported;
      private ExecutorEngines.RunEngine engine;
      private ScoreAhead ahead;

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
          metrics.turnsWithoutKey().add(counts.withoutKey);
          if (engine != null) {
            metrics.engineStats().add(engine.snapshot());
            engine.release();
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

      /**
       * The next scored chunk's rows, reading the chunk after it while this one is scored and
       * starting to score that one before handing these rows to Spark.
       */
      private void fill() {
        if (ahead == null) {
          ahead = new ScoreAhead();
          start(read());
        }
        if (!ahead.busy()) {
          return;
        }
        try {
          List<TurnWindows.Window> next = read();
          ScoreAhead.Scored done = ahead.await();
          start(next);
          if (!ahead.busy()) {
            ahead.close();
          }
          metrics.scoringNanos().add(done.nanos());
          rows(done.chunk(), done.results(), out);
        } catch (RuntimeException | Error e) {
          ahead.close();
          throw e;
        }
      }

      private List<TurnWindows.Window> read() {
        List<TurnWindows.Window> chunk = new ArrayList<>(settings.batchSize());
        while (chunk.size() < settings.batchSize() && windows.hasNext()) {
          chunk.add(windows.next());
        }
        return chunk;
      }

      private void start(List<TurnWindows.Window> chunk) {
        if (chunk.isEmpty()) {
          return;
        }
        if (engine == null) {
          // on the task's thread: the model load it may trigger is counted by this task
          ExecutorEngines.RunEngine held = ExecutorEngines.get(runId, model, settings, metrics.modelLoads());
          engine = held;
          TaskContext task = TaskContext.get();
          if (task != null) { // however the task ends
            task.addTaskCompletionListener((TaskCompletionListener) t -> held.release());
          }
        }
        InferenceEngine e = engine.engine();
        ahead.start(chunk, () -> score(e, chunk));
      }
    };
  }

  /** The engine's results for a chunk's valid windows. */
  private List<WindowResult> score(InferenceEngine engine, List<TurnWindows.Window> chunk) {
    List<List<String>> valid = new ArrayList<>();
    for (TurnWindows.Window w : chunk) {
      if (w.error() == null) {
        valid.add(w.turns());
      }
    }
    return engine.predictBatch(valid, settings.topK());
  }

  /** A scored chunk as output rows, in order: each window's prediction or error; counts them. */
  private void rows(List<TurnWindows.Window> chunk, List<WindowResult> results, ArrayDeque<Row> out) {
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
  }
}
