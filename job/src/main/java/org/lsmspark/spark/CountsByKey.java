package org.lsmspark.spark;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/** Sums counts per key across tasks, e.g. model loads per executor. */
public final class CountsByKey extends AccumulatorV2<String, Map<String, Long>> {
  private final TreeMap<String, Long> counts = new TreeMap<>();

  @Override
  public boolean isZero() {
    synchronized (counts) {
      return counts.isEmpty();
    }
  }

  @Override
  public CountsByKey copy() {
    CountsByKey c = new CountsByKey();
    synchronized (counts) {
      c.counts.putAll(counts);
    }
    return c;
  }

  @Override
  public void reset() {
    synchronized (counts) {
      counts.clear();
    }
  }

  @Override
  public void add(String key) {
    synchronized (counts) {
      counts.merge(key, 1L, Long::sum);
    }
  }

  @Override
  public void merge(AccumulatorV2<String, Map<String, Long>> other) {
    Map<String, Long> theirs = other.value();
    synchronized (counts) {
      theirs.forEach((k, v) -> counts.merge(k, v, Long::sum));
    }
  }

  @Override
  public Map<String, Long> value() {
    synchronized (counts) {
      return Collections.unmodifiableMap(new TreeMap<>(counts));
    }
  }
}
