package org.lsmspark.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lsmspark.inference.DecodeStats;

/**
 * What the micro-batches of an incremental run add up to: counts and model loads summed,
 * engine counters summed, cache sizes as the last batch left them, the decode checks pooled
 * over every batch.
 */
final class RunTotals {
  private long conversations;
  private long turns;
  private long windows;
  private long errors;
  private long skipped;
  private long duplicates;
  private long withoutKey;
  private long written;
  private double scoringSeconds;
  private final Map<String, Long> modelLoads = new TreeMap<>();
  private RunManifest.Engines engines = new RunManifest.Engines(0, 0, 0, 0, Map.of(), 0);
  private final List<RunManifest.Batch> batches = new ArrayList<>();
  private DecodeStats decode;

  RunTotals(ScoreSettings settings) {
    decode = new DecodeStats(settings.decode(), settings.decodeCheckRate(), 0, 0, 0, 0);
  }

  synchronized void add(PartitionScorer.Metrics m, long batchId, TableCommit commit, long rowsWritten) {
    conversations += m.conversations().value();
    turns += m.turns().value();
    windows += m.windows().value();
    errors += m.errors().value();
    skipped += m.skippedShortContext().value();
    duplicates += m.duplicates().value();
    withoutKey += m.turnsWithoutKey().value();
    written += rowsWritten;
    scoringSeconds += m.scoringNanos().value() / 1e9;
    m.modelLoads().value().forEach((k, v) -> modelLoads.merge(k, v, Long::sum));
    engines = plus(engines, m.engineStats().summed(decode.mode(), decode.checkRate()));
    DecodeStats d = m.engineStats().decodeStats(decode.mode(), decode.checkRate());
    decode = new DecodeStats(decode.mode(), decode.checkRate(), decode.checked() + d.checked(),
        decode.top1Agreed() + d.top1Agreed(), decode.top5Found() + d.top5Found(),
        decode.top5Expected() + d.top5Expected());
    batches.add(new RunManifest.Batch(batchId, commit.version(), commit.skipped(), m.conversations().value(),
        m.windows().value(), rowsWritten));
  }

  static RunManifest.Engines plus(RunManifest.Engines a, RunManifest.Engines b) {
    Map<String, RunManifest.Cache> caches = new TreeMap<>(a.caches());
    b.caches().forEach((name, c) -> caches.merge(name, c, (x, y) -> {
      long hits = x.hits() + y.hits();
      long requests = x.requests() + y.requests();
      return new RunManifest.Cache(y.entries(), y.estimatedBytes(), x.evictions() + y.evictions(), hits, requests,
          requests == 0 ? 0 : (double) hits / requests);
    }));
    return new RunManifest.Engines(a.heapTrims() + b.heapTrims(), a.loadMillis() + b.loadMillis(),
        a.modelWindows() + b.modelWindows(), a.windows() + b.windows(), caches, Math.max(a.executors(), b.executors()),
        b.decode());
  }

  synchronized RunManifest.Counts counts() {
    return new RunManifest.Counts(conversations, turns, windows, errors, skipped, duplicates, withoutKey, written);
  }

  synchronized Map<String, Long> modelLoads() {
    return Map.copyOf(modelLoads);
  }

  /** The engines summed over the batches, with the decode's recall over every batch's checks. */
  synchronized RunManifest.Engines engines() {
    return new RunManifest.Engines(engines.heapTrims(), engines.loadMillis(), engines.modelWindows(),
        engines.windows(), engines.caches(), engines.executors(), RunManifest.Decode.of(decode));
  }

  synchronized List<RunManifest.Batch> batches() {
    return List.copyOf(batches);
  }

  synchronized double scoringSeconds() {
    return scoringSeconds;
  }

  /** The version the run's last commit created; -1 when it committed nothing. */
  synchronized long lastVersion() {
    for (int i = batches.size() - 1; i >= 0; i--) {
      if (!batches.get(i).skipped()) {
        return batches.get(i).tableVersion();
      }
    }
    return TableCommit.NO_VERSION;
  }
}
