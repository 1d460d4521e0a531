package org.lsmspark.spark;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Mode {@code last} before the shuffle: a conversation's window holds its W highest distinct
 * turn indices, so of a run of one conversation's turns in an input partition, only the run's own
 * W highest indices can be in it (fewer higher indices exist in the run than in the whole). The
 * other turns cross the shuffle as keys without their text: they still count as turns, still meet
 * their duplicates and still make a conversation long enough. One run is held at a time: a corpus
 * stored conversation by conversation (as dialogue exports are, and {@code lsm ingest} keeps its
 * input's order) ships about a window of text per conversation, an interleaved one all its text.
 */
final class LastTurns implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  /** The column that marks a turn whose text was left behind. */
  static final String PRUNED = "text_pruned";

  private final int window;

  LastTurns(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window " + window + " must be positive");
    }
    this.window = window;
  }

  /** The turns ({@link Corpus} columns) a scorer of this mode needs, with the {@link #PRUNED} column. */
  static Dataset<Row> forMode(Dataset<Row> turns, WindowMode mode, int window) {
    if (mode != WindowMode.LAST) {
      return turns.withColumn(PRUNED, lit(false));
    }
    // a pruned turn has no text, whether or not the input's text may be null
    StructType schema = new StructType(Arrays.stream(turns.schema().fields())
        .map(f -> f.name().equals(Corpus.TEXT) ? f.copy(f.name(), f.dataType(), true, f.metadata()) : f)
        .toArray(StructField[]::new)).add(PRUNED, DataTypes.BooleanType, false);
    return turns.mapPartitions(new LastTurns(window), Encoders.row(schema));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private final ArrayDeque<Row> out = new ArrayDeque<>();
      /** The current run's rows of its highest indices, a list per index (repeats included). */
      private final TreeMap<Integer, List<Row>> top = new TreeMap<>();
      private String conversation;

      @Override
      public boolean hasNext() {
        while (out.isEmpty() && rows.hasNext()) {
          Row r = rows.next();
          if (r.isNullAt(0) || r.isNullAt(1)) { // no conversation to place it in: the scorer counts it
            out.add(kept(r));
            continue;
          }
          String id = r.getString(0);
          if (!id.equals(conversation)) {
            endRun();
            conversation = id;
          }
          add(r);
        }
        if (out.isEmpty()) {
          endRun();
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

      private void add(Row r) {
        int index = r.getInt(1);
        List<Row> same = top.get(index);
        if (same != null) { // a repeat of a kept index is kept too: the sort picks the context by text
          same.add(r);
          return;
        }
        if (top.size() == window && index < top.firstKey()) {
          out.add(pruned(r));
          return;
        }
        List<Row> rowsOfIndex = new ArrayList<>(1);
        rowsOfIndex.add(r);
        top.put(index, rowsOfIndex);
        if (top.size() > window) {
          top.pollFirstEntry().getValue().forEach(old -> out.add(pruned(old)));
        }
      }

      private void endRun() {
        top.values().forEach(rowsOfIndex -> rowsOfIndex.forEach(r -> out.add(kept(r))));
        top.clear();
        conversation = null;
      }
    };
  }

  private static Row kept(Row r) {
    return RowFactory.create(r.get(0), r.get(1), r.get(2), false);
  }

  private static Row pruned(Row r) {
    return RowFactory.create(r.get(0), r.get(1), null, true);
  }
}
