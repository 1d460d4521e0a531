package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LastTurnsTest {
  static final Comparator<Row> SHUFFLE_ORDER = Comparator.<Row, String>comparing(r -> r.getString(0))
      .thenComparingInt(r -> r.getInt(1))
      .thenComparing(r -> r.isNullAt(2) ? null : r.getString(2), Comparator.nullsFirst(Comparator.naturalOrder()));

  /** What the scorer makes of rows after the shuffle: sorted, then windows of mode last. */
  static List<TurnWindows.Window> windows(List<Row> rows, int window, TurnWindows.Counts counts) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(SHUFFLE_ORDER);
    List<TurnWindows.Turn> turns = new ArrayList<>();
    for (Row r : sorted) {
      turns.add(new TurnWindows.Turn(r.getString(0), r.getInt(1), r.isNullAt(2) ? null : r.getString(2),
          r.length() > 3 && r.getBoolean(3)));
    }
    return TurnWindowsTest.all(turns, window, 1, WindowMode.LAST, counts);
  }

  static List<Row> prune(List<List<Row>> partitions, int window) {
    List<Row> out = new ArrayList<>();
    for (List<Row> p : partitions) {
      new LastTurns(window).call(p.iterator()).forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void onlyTheHighestIndicesOfAPartitionKeepTheirText() {
    List<Row> rows = new ArrayList<>();
    for (int i : new int[] {4, 0, 7, 2, 9, 1, 8}) {
      rows.add(RowFactory.create("a", i, "a" + i));
    }
    rows.add(RowFactory.create("a", 8, "a8 again"));
    rows.add(RowFactory.create("a", 1, "a1 again"));
    rows.add(RowFactory.create("b", 0, null));
    List<Row> out = prune(List.of(rows), 3);
    out.sort(SHUFFLE_ORDER);
    assertEquals(List.of(RowFactory.create("a", 0, null, true), RowFactory.create("a", 1, null, true),
        RowFactory.create("a", 1, null, true), RowFactory.create("a", 2, null, true),
        RowFactory.create("a", 4, null, true), RowFactory.create("a", 7, "a7", false),
        RowFactory.create("a", 8, "a8", false), RowFactory.create("a", 8, "a8 again", false),
        RowFactory.create("a", 9, "a9", false), RowFactory.create("b", 0, null, false)), out);
  }

  /**
   * Random conversations with gaps, repeats and null texts, cut into random partitions, each
   * partition's rows interleaved or in runs by conversation (indices in any order within a run):
   * mode last's windows, errors and counts are those of the unpruned turns.
   */
  @Test
  void theWindowsAndCountsAreThoseOfAllTheTurns() {
    Random random = new Random(11);
    long prunedInRuns = 0;
    for (int round = 0; round < 300; round++) {
      int window = 1 + random.nextInt(5);
      List<Row> rows = new ArrayList<>();
      for (int c = 0, n = 1 + random.nextInt(6); c < n; c++) {
        int length = random.nextInt(3 * window + 3);
        for (int i = 0; i < length; i++) {
          int index = random.nextInt(8) == 0 ? random.nextInt(i + 1) : i * (1 + random.nextInt(2));
          String text = random.nextInt(15) == 0 ? null : "c" + c + " t" + index + " v" + random.nextInt(3);
          rows.add(RowFactory.create("c" + c, index, text));
        }
      }
      Collections.shuffle(rows, random);
      List<List<Row>> interleaved = new ArrayList<>();
      for (int p = 0, n = 1 + random.nextInt(4); p < n; p++) {
        interleaved.add(new ArrayList<>());
      }
      rows.forEach(r -> interleaved.get(random.nextInt(interleaved.size())).add(r));
      List<List<Row>> inRuns = new ArrayList<>();
      for (List<Row> p : interleaved) {
        List<Row> byConversation = new ArrayList<>(p);
        byConversation.sort(Comparator.comparing(r -> r.getString(0)));
        inRuns.add(byConversation);
      }

      TurnWindows.Counts expectedCounts = new TurnWindows.Counts();
      List<TurnWindows.Window> expected = windows(rows, window, expectedCounts);
      for (List<List<Row>> partitions : List.of(interleaved, inRuns)) {
        List<Row> pruned = prune(partitions, window);
        TurnWindows.Counts counts = new TurnWindows.Counts();
        String where = "round " + round + ", window " + window + (partitions == inRuns ? ", in runs" : ", interleaved");
        assertEquals(expected, windows(pruned, window, counts), where);
        assertEquals(List.of(expectedCounts.turns, expectedCounts.conversations, expectedCounts.skippedShortContext,
            expectedCounts.duplicates), List.of(counts.turns, counts.conversations, counts.skippedShortContext,
            counts.duplicates), where);
        if (partitions == inRuns) {
          prunedInRuns += pruned.stream().filter(r -> r.getBoolean(3)).count();
        }
      }
    }
    assertTrue(prunedInRuns > 1000, "turns pruned in runs: " + prunedInRuns);
  }

  @Test
  void aLongConversationCrossesTheShuffleAsKeysButItsLastTurns() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(RowFactory.create("long", i, "turn " + i));
    }
    List<Row> out = prune(List.of(rows.subList(0, 500), rows.subList(500, 1000)), 10);
    assertEquals(1000, out.size());
    assertEquals(20, out.stream().filter(r -> !r.getBoolean(3)).count(), "ten texts from each partition");
    TurnWindows.Counts counts = new TurnWindows.Counts();
    List<TurnWindows.Window> w = windows(out, 10, counts);
    assertEquals(List.of(new TurnWindows.Window("long", 1000,
        rows.subList(990, 1000).stream().map(r -> r.getString(2)).toList(), null, null)), w);
    assertEquals(1000, counts.turns);
  }

  @Test
  void onASparkDatasetModeLastShipsTheTextsOfOneWindowAConversationAndModeAllEveryText() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> turns = spark.range(0, 300, 1, 1).selectExpr("format_string('c%d', id div 100) as conversation_id",
        "cast(id % 100 as int) as turn_index", "concat('turn ', id) as text");
    List<Row> last = LastTurns.forMode(turns, WindowMode.LAST, 10).collectAsList();
    assertEquals(300, last.size());
    assertEquals(30, last.stream().filter(r -> !r.getBoolean(3)).count());
    assertTrue(last.stream().filter(r -> !r.getBoolean(3)).allMatch(r -> r.getInt(1) >= 90 && r.getString(2) != null));
    List<Row> all = LastTurns.forMode(turns, WindowMode.ALL, 10).collectAsList();
    assertTrue(all.stream().noneMatch(r -> r.getBoolean(3) || r.isNullAt(2)));
  }

  @Test
  void aPrunedTurnInAWindowIsAnInternalErrorNotAnEmptyTurn() {
    List<TurnWindows.Turn> turns = List.of(new TurnWindows.Turn("a", 0, null, true),
        new TurnWindows.Turn("a", 1, "kept", false));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TurnWindowsTest.all(turns, 3, 1, WindowMode.LAST, new TurnWindows.Counts()));
    assertTrue(e.getMessage().contains("turn 0 of conversation a"), e.getMessage());
  }
}
