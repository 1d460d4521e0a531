package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.TestModels;
import org.lsmspark.reservoir.TurnState;

class TurnStatesTest {

  /** The sliding windows of one conversation, padded in front with the empty turn, as the Spark job builds them. */
  private static List<List<String>> slidingWindows(List<String> conversation, int w) {
    List<List<String>> out = new ArrayList<>();
    for (int end = 1; end <= conversation.size(); end++) {
      List<String> win = new ArrayList<>(Collections.nCopies(Math.max(0, w - end), ""));
      win.addAll(conversation.subList(Math.max(0, end - w), end));
      out.add(win);
    }
    return out;
  }

  @Test
  void eachDistinctTurnIsComputedOnceAndSharedByItsWindows() {
    List<List<String>> windows = slidingWindows(List.of("a", "b", "c", "d", "e", "f", "g"), 4);
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    LsmModel model = LsmModel.of(TestModels.builder().seed(3).build());
    try (ParallelEmbedder pool = new ParallelEmbedder(3)) {
      TurnStates s = TurnStates.of(windows, pool, text -> {
        calls.computeIfAbsent(text, t -> new AtomicInteger()).incrementAndGet();
        return model.turn(model.tokenizer().encode(text));
      });
      assertEquals(8, s.size(), "7 turns and the empty one");
      calls.forEach((text, n) -> assertEquals(1, n.get(), "runs of \"" + text + "\""));
      assertEquals(8, calls.size());
      TurnState[] last = s.window(windows.get(6));
      TurnState[] previous = s.window(windows.get(5));
      assertSame(previous[1], last[0], "the turn both windows hold is one shared state");
      assertEquals(model.turn(model.tokenizer().encode("g")), last[3]);
    }
  }

  @Test
  void carriedStatesAreTakenAsTheyAreAndOnlyTheOthersComputed() {
    LsmModel model = LsmModel.of(TestModels.builder().seed(3).build());
    TurnState a = model.turn(model.tokenizer().encode("a"));
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    try (ParallelEmbedder pool = new ParallelEmbedder(2)) {
      TurnStates s = TurnStates.of(List.of(List.of("a", "b"), List.of("b", "c")), pool, text -> {
        calls.add(text);
        return model.turn(model.tokenizer().encode(text));
      }, Map.of("a", a, "z", a));
      assertEquals(3, s.size());
      assertEquals(2, s.computed());
      assertEquals(List.of("b", "c"), calls.stream().sorted().toList());
      assertSame(a, s.window(List.of("a"))[0]);
      Map<String, TurnState> next = s.carry(List.of("b", "c"));
      assertEquals(Map.of("b", s.window(List.of("b"))[0], "c", s.window(List.of("c"))[0]), next);
    }
  }

  @Test
  void distinctTurnsComeInFirstSeenOrder() {
    assertEquals(List.of("x", "y", "z"),
        TurnStates.distinctTurns(List.of(List.of("x", "y"), List.of("y", "x"), List.of("z", "z"))));
  }

  @Test
  void aTurnOutsideTheChunkIsNamed() {
    try (ParallelEmbedder pool = new ParallelEmbedder(1)) {
      LsmModel model = LsmModel.of(TestModels.builder().seed(3).build());
      TurnStates s = TurnStates.of(List.of(List.of("a", "b")), pool, t -> model.turn(model.tokenizer().encode(t)));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.window(List.of("a", "zz")));
      assertTrue(e.getMessage().contains("turn 1") && e.getMessage().contains("zz"), e.getMessage());
    }
  }

  @Test
  void theEngineRunsTheReservoirOncePerDistinctTurnAndMatchesWindowByWindowScoring() {
    ModelBundle bundle = TestModels.builder().seed(11).build();
    LsmModel model = LsmModel.of(bundle);
    int w = model.windowSize();
    Random rng = new Random(5);
    List<String> conversation = new ArrayList<>();
    for (int t = 0; t < 3 * w; t++) {
      conversation.add(rng.nextBoolean() ? TestModels.turn(rng.nextInt(40), 20) : "w" + rng.nextInt(20) + " new " + t);
    }
    List<List<String>> windows = slidingWindows(conversation, w);
    List<Prediction> reference = model.predict(windows, 3); // every window on its own
    long distinct = TurnStates.distinctTurns(windows).size();
    for (int threads : new int[] {1, 2}) {
      try (InferenceEngine engine = new InferenceEngine(EngineOptions.builder().bundle(bundle)
          .cacheMemoryBytes(0).maxBatchSize(windows.size()).threads(threads).topK(3).build())) {
        List<WindowResult> r = engine.predictBatch(windows);
        for (int i = 0; i < windows.size(); i++) {
          Prediction p = r.get(i).get();
          assertArrayEquals(reference.get(i).embedding(), p.embedding(), "threads " + threads + ", window " + i);
          assertEquals(reference.get(i).topK(), p.topK(), "threads " + threads + ", window " + i);
        }
        assertEquals(distinct, engine.turnStates(), "reservoir runs, threads " + threads);
        assertTrue(distinct < (long) windows.size() * w / 2, "the fixture must share turns: " + distinct);
      }
    }
  }

  /**
   * Chunk after chunk (batch 1 included), the states of a chunk's last window carry over to the
   * next: over the sliding windows of a conversation whose turns are all different, each turn's
   * state is computed once whatever the batch size, and every prediction is the window's own.
   * Clearing the caches drops what is carried.
   */
  @Test
  void turnStatesCarryOverFromChunkToChunk() {
    ModelBundle bundle = TestModels.builder().seed(11).build();
    LsmModel model = LsmModel.of(bundle);
    int w = model.windowSize();
    List<String> conversation = new ArrayList<>();
    for (int t = 0; t < 3 * w; t++) {
      conversation.add(t % 2 == 0 ? TestModels.turn(t, 20) : "w" + t + " new " + t); // all different
    }
    List<List<String>> windows = slidingWindows(conversation, w);
    List<Prediction> reference = model.predict(windows, 3);
    long distinct = TurnStates.distinctTurns(windows).size();
    for (int batch : new int[] {1, 3, 7}) {
      try (InferenceEngine engine = new InferenceEngine(EngineOptions.builder().bundle(bundle)
          .cacheMemoryBytes(0).maxBatchSize(batch).threads(2).topK(3).build())) {
        List<WindowResult> r = engine.predictBatch(windows);
        for (int i = 0; i < windows.size(); i++) {
          assertArrayEquals(reference.get(i).embedding(), r.get(i).get().embedding(), "batch " + batch + ", window " + i);
          assertEquals(reference.get(i).topK(), r.get(i).get().topK(), "batch " + batch + ", window " + i);
        }
        assertEquals(distinct, engine.turnStates(), "reservoir runs at batch " + batch);
        engine.clearCaches();
        engine.predictBatch(windows.subList(windows.size() - 1, windows.size()));
        assertEquals(distinct + w, engine.turnStates(), "after clearing, the last window's turns again, batch " + batch);
      }
    }
  }
}
