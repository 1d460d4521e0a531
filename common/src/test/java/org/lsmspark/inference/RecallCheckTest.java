package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.TestModels;
import org.lsmspark.tokenizer.DecodeMode;

class RecallCheckTest {

  private static float[] random(Random rng, int dim) {
    float[] e = new float[dim];
    for (int d = 0; d < dim; d++) {
      e[d] = (float) rng.nextGaussian();
    }
    return e;
  }

  @Test
  void theSampleFollowsTheRateAndDependsOnlyOnTheEmbedding() {
    Random rng = new Random(1);
    RecallCheck none = new RecallCheck(DecodeMode.APPROXIMATE, 0);
    RecallCheck all = new RecallCheck(DecodeMode.APPROXIMATE, 1);
    RecallCheck some = new RecallCheck(DecodeMode.APPROXIMATE, 0.3);
    RecallCheck exact = new RecallCheck(DecodeMode.EXACT, 1);
    int picked = 0;
    for (int i = 0; i < 4000; i++) {
      float[] e = random(rng, 16);
      assertFalse(none.sampled(e));
      assertTrue(all.sampled(e));
      assertFalse(exact.sampled(e), "exact decoding is never checked against itself");
      boolean s = some.sampled(e);
      assertEquals(s, new RecallCheck(DecodeMode.APPROXIMATE, 0.3).sampled(e.clone()));
      picked += s ? 1 : 0;
    }
    assertTrue(picked > 1000 && picked < 1400, "sampled " + picked + " of 4000 at rate 0.3");
  }

  @Test
  void anApproximateEngineReportsRecallAndMatchesExactWhenTheBeamCoversTheVocabulary() {
    ModelBundle bundle = TestModels.builder().seed(3).build();
    Random rng = new Random(9);
    List<List<String>> windows = new ArrayList<>();
    int w = LsmModel.of(bundle).windowSize();
    for (int i = 0; i < 40; i++) {
      List<String> win = new ArrayList<>();
      for (int t = 0; t < w; t++) {
        win.add(TestModels.turn(rng.nextInt(40), 20));
      }
      windows.add(win);
    }
    EngineOptions base = EngineOptions.builder().bundle(bundle).topK(3).cacheMemoryBytes(0).build();
    try (InferenceEngine exact = new InferenceEngine(base);
        InferenceEngine approx = new InferenceEngine(base.toBuilder().decode(DecodeMode.APPROXIMATE)
            .decodeCheckRate(1).build())) {
      List<WindowResult> want = exact.predictBatch(windows);
      List<WindowResult> got = approx.predictBatch(windows);
      for (int i = 0; i < windows.size(); i++) {
        assertEquals(want.get(i).get().topK(), got.get(i).get().topK(), "window " + i);
      }
      DecodeStats d = approx.stats().decode();
      assertEquals(DecodeMode.APPROXIMATE, d.mode());
      assertEquals(windows.size(), d.checked());
      assertEquals(1.0, d.recallAt1());
      assertEquals(1.0, d.recallAt5());
      assertEquals(5L * windows.size(), d.top5Expected());
      assertEquals(0, exact.stats().decode().checked());
      assertTrue(Double.isNaN(exact.stats().decode().recallAt1()));
    }
  }

  @Test
  void aRateOutsideZeroToOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EngineOptions.builder().modelLocation("m").decodeCheckRate(1.5).build());
    assertTrue(e.getMessage().contains("decodeCheckRate") && e.getMessage().contains("1.5"), e.getMessage());
  }
}
