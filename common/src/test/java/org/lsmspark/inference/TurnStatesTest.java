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
}
