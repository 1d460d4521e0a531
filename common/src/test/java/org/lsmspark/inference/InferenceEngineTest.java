package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.Golden;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.TestModels;
import org.lsmspark.tokenizer.Tokenizer;

class InferenceEngineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ModelBundle small;
  private static List<List<String>> golden;

  @BeforeAll
  static void setUp() throws IOException {
    small = TestModels.builder().build();
    golden = new ArrayList<>();
    for (String line : Files.readAllLines(Golden.V1.dir().resolve("windows.jsonl"))) {
      if (!line.isBlank()) {
        List<String> turns = new ArrayList<>();
        for (JsonNode t : JSON.readTree(line).get("turns")) {
          turns.add(t.textValue());
        }
        golden.add(turns);
      }
    }
  }

  private static EngineOptions.Builder options(ModelBundle bundle) {
    return EngineOptions.builder().bundle(bundle);
  }

  /** A window of the small test model: vocabulary turns and texts outside the vocabulary. */
  private static List<String> window(Random rng, int size) {
    List<String> w = new ArrayList<>();
    for (int t = 0; t < size; t++) {
      w.add(rng.nextBoolean() ? TestModels.turn(rng.nextInt(40), 20)
          : "w" + rng.nextInt(20) + " w" + rng.nextInt(20) + " fresh " + rng.nextLong());
    }
    return w;
  }

  private static List<List<String>> distinctWindows(long seed, int n) {
    Random rng = new Random(seed);
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(window(rng, 6));
    }
    return out;
  }

  private static void assertSame(Prediction expected, Prediction actual, String what) {
    assertArrayEquals(expected.embedding(), actual.embedding(), what + ": embedding");
    assertEquals(expected.predictedText(), actual.predictedText(), what + ": predicted text");
    assertEquals(expected.confidence(), actual.confidence(), what + ": confidence");
    assertEquals(expected.topK(), actual.topK(), what + ": top k");
  }

  // ---------------------------------------------------------------- loading

  @Test
  void concurrentFirstCallsLoadExactlyOnce() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    Supplier<ModelBundle> slow = () -> {
      loads.incrementAndGet();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return small;
    };
    int threads = 16;
    List<List<String>> windows = distinctWindows(1, threads);
    try (InferenceEngine engine = new InferenceEngine(EngineOptions.forBundle(slow))) {
      assertFalse(engine.isLoaded());
      assertEquals(0, loads.get(), "nothing is read before the first prediction");
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        List<String> w = windows.get(i);
        answers.add(pool.submit(() -> {
          start.await();
          return engine.predictNext(w);
        }));
      }
      start.countDown();
      for (Future<String> f : answers) {
        assertTrue(f.get(60, TimeUnit.SECONDS) != null);
      }
      pool.shutdown();
      assertEquals(1, loads.get(), "one load for " + threads + " concurrent first calls");
      EngineStats s = engine.stats();
      assertTrue(s.loaded());
      assertTrue(s.loadSeconds() >= 0.2, "load time recorded: " + s.loadSeconds());
      assertEquals(threads, s.windows());
    }
  }

  @Test
  void eagerLoadingReadsTheModelWhenTheEngineIsBuilt() {
    AtomicInteger loads = new AtomicInteger();
    Supplier<ModelBundle> counting = () -> {
      loads.incrementAndGet();
      return small;
    };
    try (InferenceEngine engine = new InferenceEngine(options(small).bundleSource(null).bundleSource(counting)
        .lazyLoad(false).build())) {
      assertEquals(1, loads.get());
      assertTrue(engine.isLoaded());
      engine.predictNext(distinctWindows(2, 1).get(0));
      assertEquals(1, loads.get());
    }
    try (InferenceEngine legacy = new InferenceEngine(EngineOptions.builder().bundleSource(counting)
        .legacyMode(true).build())) {
      assertEquals(2, loads.get(), "legacy mode loads eagerly");
    }
  }

  @Test
  void aModelThatCannotBeReadFailsTheCallWithItsReason() {
    try (InferenceEngine engine = new InferenceEngine(EngineOptions.forModel("/no/such/model/dir"))) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> engine.predictBatch(List.of()));
      assertTrue(e.getMessage().contains("model.json"), e.getMessage());
      assertFalse(engine.isLoaded());
    }
  }

  // ---------------------------------------------------------------- exactness

  @Test
  void cachedUncachedAndLegacyResultsAreIdenticalOnTheGoldenFixture() {
    ModelBundle bundle = Golden.V1.bundle();
    List<Prediction> reference = LsmModel.of(bundle).predict(golden, 5);
    List<List<String>> doubled = new ArrayList<>(golden);
    doubled.addAll(golden); // the second half is answered from the prediction cache
    EngineOptions base = options(bundle).build();
    try (InferenceEngine cached = new InferenceEngine(base.toBuilder().maxBatchSize(7).threads(2).build());
        InferenceEngine cachedOneThread = new InferenceEngine(base.toBuilder().maxBatchSize(1).threads(1).build());
        InferenceEngine uncached = new InferenceEngine(base.toBuilder().cacheSize(0).threads(3).build());
        InferenceEngine legacy = new InferenceEngine(base.toBuilder().legacyMode(true).build())) {
      List<WindowResult> a = cached.predictBatch(doubled);
      List<WindowResult> a2 = cached.predictBatch(golden);
      List<WindowResult> b = cachedOneThread.predictBatch(golden);
      List<WindowResult> c = uncached.predictBatch(golden);
      List<WindowResult> d = legacy.predictBatch(golden);
      for (int i = 0; i < golden.size(); i++) {
        Prediction ref = reference.get(i);
        assertSame(ref, a.get(i).get(), "cached, batch 7, window " + i);
        assertSame(ref, a.get(golden.size() + i).get(), "cache hit in the batch, window " + i);
        assertSame(ref, a2.get(i).get(), "cache hit, window " + i);
        assertSame(ref, b.get(i).get(), "cached, batch 1, window " + i);
        assertSame(ref, c.get(i).get(), "uncached, window " + i);
        assertSame(ref, d.get(i).get(), "legacy, window " + i);
        assertSame(ref, cached.predictWithConfidence(golden.get(i)), "single call, window " + i);
        assertEquals(ref.predictedText(), legacy.predictNext(golden.get(i)));
        assertEquals(ref.topK().subList(0, 3), uncached.predictTopK(golden.get(i), 3));
      }
      long distinct = golden.stream().distinct().count(); // the fixture repeats one window
      assertEquals(distinct, cached.stats().cache(InferenceEngine.PREDICTION_CACHE).entries());
      assertEquals(distinct, cached.stats().modelWindows(), "each distinct window reaches the model once");
      assertFalse(legacy.stats().cache(InferenceEngine.PREDICTION_CACHE).enabled());
    }
  }

  @Test
  void resultsDoNotDependOnBatchSizeOrThreadsOnARandomModel() {
    List<List<String>> windows = distinctWindows(3, 61);
    List<Prediction> reference = LsmModel.of(small).predict(windows, 4);
    for (int batch : new int[] {1, 7, 256}) {
      for (int threads : new int[] {1, 2, 4}) {
        try (InferenceEngine e = new InferenceEngine(options(small).maxBatchSize(batch).threads(threads).topK(4).build())) {
          List<WindowResult> r = e.predictBatch(windows);
          for (int i = 0; i < windows.size(); i++) {
            assertSame(reference.get(i), r.get(i).get(), "batch " + batch + ", threads " + threads + ", window " + i);
          }
        }
      }
    }
  }

  @Test
  void concurrentCallersSharingOneEngineGetExactResults() throws Exception {
    List<List<String>> windows = distinctWindows(14, 120);
    List<Prediction> reference = LsmModel.of(small).predict(windows, 5);
    // small caches, so that threads evict each other's entries while they read them
    try (InferenceEngine engine = new InferenceEngine(options(small).cacheSize(30).cacheMemoryBytes(40_000)
        .maxBatchSize(8).threads(3).build())) {
      int threads = 8;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          start.await();
          Random rng = new Random(seed);
          for (int round = 0; round < 15; round++) {
            int from = rng.nextInt(windows.size() - 20);
            List<WindowResult> r = engine.predictBatch(windows.subList(from, from + 1 + rng.nextInt(20)));
            for (int i = 0; i < r.size(); i++) {
              assertSame(reference.get(from + i), r.get(i).get(), "window " + (from + i));
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      EngineStats s = engine.stats();
      assertEquals(0, s.failedWindows());
      assertTrue(s.cache(InferenceEngine.PREDICTION_CACHE).entries() <= 30);
      assertTrue(s.cacheBytes() <= 40_000);
    }
  }

  @Test
  void threadsAskingForTheSameUncachedWindowScoreItOnce() throws Exception {
    List<String> w = distinctWindows(15, 1).get(0);
    Prediction reference = LsmModel.of(small).predict(List.of(w), 5).get(0);
    try (InferenceEngine engine = new InferenceEngine(options(small).lazyLoad(false).build())) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger chunks = new AtomicInteger();
      engine.chunkProbe(chunk -> {
        chunks.incrementAndGet();
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      int n = 8;
      List<Prediction> got = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        threads.add(new Thread(() -> got.add(engine.predictWithConfidence(w))));
      }
      threads.get(0).start();
      entered.await(); // thread 0 is scoring the window
      for (Thread t : threads.subList(1, n)) {
        t.start();
      }
      for (Thread t : threads.subList(1, n)) {
        // waiting for thread 0's prediction; a get-then-put cache would have them scoring it too
        Parked.await(t, java.util.concurrent.CompletableFuture.class.getName(), CountDownLatch.class.getName());
      }
      release.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(1, chunks.get(), "one model call for " + n + " threads");
      assertEquals(1, engine.stats().modelWindows());
      assertEquals(n, got.size());
      for (Prediction p : got) {
        assertSame(reference, p, "every thread gets the one prediction");
      }
      CacheStats s = engine.stats().cache(InferenceEngine.PREDICTION_CACHE);
      assertEquals(n, s.requests());
      assertEquals(n - 1, s.hits());
    }
  }

  // ---------------------------------------------------------------- caches

  @Test
  void cacheBoundsHoldUnderAStreamOfDistinctWindows() {
    long budget = 48 * 1024;
    int entries = 40;
    try (InferenceEngine engine = new InferenceEngine(options(small).cacheSize(entries).cacheMemoryBytes(budget)
        .maxBatchSize(16).build())) {
      Random rng = new Random(4);
      long evictionsSeen = 0;
      for (int round = 0; round < 30; round++) {
        List<List<String>> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          batch.add(window(rng, 6));
        }
        engine.predictBatch(batch);
        engine.nearestTurns("w" + rng.nextInt(20) + " novel " + round, 3);
        EngineStats s = engine.stats();
        assertTrue(s.cacheBytes() <= budget, "all caches within " + budget + " bytes: " + s.cacheBytes());
        for (CacheStats c : s.caches()) {
          assertTrue(c.entries() <= entries, c.toString());
          assertTrue(c.estimatedBytes() <= c.maxBytes(), c.toString());
          assertTrue(c.maxBytes() <= budget, c.toString());
        }
        evictionsSeen = s.cache(InferenceEngine.PREDICTION_CACHE).evictions();
      }
      assertTrue(evictionsSeen > 0, "the stream overflowed the prediction cache");
      EngineStats s = engine.stats();
      assertEquals(600, s.cache(InferenceEngine.PREDICTION_CACHE).requests());
      assertTrue(s.cache(InferenceEngine.EMBEDDING_CACHE).evictions() > 0);
    }
  }

  @Test
  void theByteBoundBindsBeforeTheEntryBound() {
    long budget = 20_000; // the prediction cache's share holds about a dozen predictions
    try (InferenceEngine engine = new InferenceEngine(options(small).cacheMemoryBytes(budget).build())) {
      engine.predictBatch(distinctWindows(5, 200));
      CacheStats p = engine.stats().cache(InferenceEngine.PREDICTION_CACHE);
      assertTrue(p.entries() > 0 && p.entries() < 50, p.toString());
      assertTrue(p.estimatedBytes() <= p.maxBytes(), p.toString());
      assertTrue(engine.stats().cacheBytes() <= budget);
    }
  }

  @Test
  void statisticsCountExactly() {
    List<List<String>> windows = distinctWindows(6, 10);
    long oov = windows.stream().flatMap(List::stream).filter(t -> t.contains("fresh")).count();
    long distinctOov = windows.stream().flatMap(List::stream).filter(t -> t.contains("fresh")).distinct().count();
    try (InferenceEngine engine = new InferenceEngine(options(small).maxBatchSize(4).build())) {
      engine.predictBatch(windows);
      EngineStats s = engine.stats();
      CacheStats p = s.cache(InferenceEngine.PREDICTION_CACHE);
      assertEquals(10, p.requests());
      assertEquals(0, p.hits());
      assertEquals(10, p.misses());
      assertEquals(10, p.entries());
      assertTrue(p.estimatedBytes() > 0);
      assertEquals(0, p.evictions());
      assertTrue(p.loadSeconds() > 0);
      CacheStats e = s.cache(InferenceEngine.EMBEDDING_CACHE);
      assertEquals(oov, e.requests(), "only texts outside the vocabulary use the embedding cache");
      assertEquals(oov - distinctOov, e.hits());
      assertEquals(distinctOov, e.entries());
      CacheStats d = s.cache(InferenceEngine.DECODE_CACHE);
      assertEquals(10, d.requests());
      assertEquals(10, d.entries());
      assertEquals(10, s.windows());
      assertEquals(10, s.modelWindows());
      assertEquals(3, s.modelBatches(), "10 windows in batches of at most 4");

      List<List<String>> again = new ArrayList<>(windows.subList(0, 5));
      again.add(windows.get(0)); // a hit too
      again.addAll(distinctWindows(7, 2)); // two misses, repeated once within the batch
      again.add(again.get(6));
      engine.predictBatch(again);
      s = engine.stats();
      p = s.cache(InferenceEngine.PREDICTION_CACHE);
      assertEquals(19, p.requests());
      assertEquals(6, p.hits());
      assertEquals(6.0 / 19, p.hitRate());
      assertEquals(12, p.entries());
      assertEquals(12, s.modelWindows(), "a window repeated within a batch reaches the model once");
      assertEquals(19, s.windows());
      assertEquals(0, s.failedWindows());

      engine.clearCaches();
      s = engine.stats();
      for (CacheStats c : s.caches()) {
        assertEquals(0, c.entries(), c.name());
        assertEquals(0, c.estimatedBytes(), c.name());
      }
      assertEquals(19, s.cache(InferenceEngine.PREDICTION_CACHE).requests(), "statistics survive a clear");
      engine.predictBatch(windows.subList(0, 1));
      assertEquals(13, engine.stats().modelWindows(), "a cleared cache misses");
    }
  }

  @Test
  void similarityCacheAnswersRepeatedNearestTurnQueries() {
    try (InferenceEngine engine = new InferenceEngine(options(small).build())) {
      Tokenizer tok = LsmModel.of(small).tokenizer();
      String text = "w3 w7 unseen";
      List<Tokenizer.Candidate> expected = tok.decode(tok.encode(text), 4).topK();
      assertEquals(expected, engine.nearestTurns(text, 4));
      assertEquals(expected, engine.nearestTurns(text, 4));
      CacheStats s = engine.stats().cache(InferenceEngine.SIMILARITY_CACHE);
      assertEquals(2, s.requests());
      assertEquals(1, s.hits());
      assertEquals(1, s.entries());
    }
  }

  // ---------------------------------------------------------------- failures

  @Test
  void aFailingBatchFallsBackSoOnlyTheBadWindowFails() {
    List<List<String>> windows = distinctWindows(8, 9);
    List<String> bad = new ArrayList<>(windows.get(4));
    bad.set(2, "BOOM");
    windows.set(4, bad);
    List<Prediction> reference = LsmModel.of(small).predict(windows, 5);
    try (InferenceEngine engine = new InferenceEngine(options(small).maxBatchSize(5).build())) {
      engine.chunkProbe(chunk -> {
        if (chunk.stream().anyMatch(w -> w.contains("BOOM"))) {
          throw new IllegalStateException("cannot score a window holding BOOM");
        }
      });
      List<WindowResult> r = engine.predictBatch(windows);
      assertEquals(windows.size(), r.size(), "no window is lost");
      for (int i = 0; i < windows.size(); i++) {
        if (i == 4) {
          assertFalse(r.get(i).isOk());
          assertNull(r.get(i).prediction());
          assertEquals("cannot score a window holding BOOM", r.get(i).error());
          assertThrows(IllegalStateException.class, r.get(i)::get);
        } else {
          assertSame(reference.get(i), r.get(i).get(), "window " + i);
        }
      }
      EngineStats s = engine.stats();
      assertEquals(1, s.fallbacks());
      assertEquals(1, s.failedWindows());
      assertEquals(8, s.cache(InferenceEngine.PREDICTION_CACHE).entries(), "the failure is not cached");
      assertThrows(IllegalStateException.class, () -> engine.predictNext(bad));
      engine.chunkProbe(chunk -> {});
      assertSame(reference.get(4), engine.predictWithConfidence(bad), "the window scores once the fault is gone");
    }
  }

  @Test
  void invalidWindowsBecomeErrorResultsAndSingleCallsSayWhy() {
    List<List<String>> windows = new ArrayList<>(distinctWindows(9, 2));
    windows.add(1, null);
    windows.add(List.of("too", "short"));
    List<String> withNull = new ArrayList<>(windows.get(0));
    withNull.set(3, null);
    windows.add(withNull);
    for (boolean legacyMode : new boolean[] {false, true}) {
      try (InferenceEngine engine = new InferenceEngine(options(small).legacyMode(legacyMode).build())) {
        List<WindowResult> r = engine.predictBatch(windows);
        assertEquals(5, r.size());
        assertTrue(r.get(0).isOk());
        assertEquals("window is null", r.get(1).error());
        assertTrue(r.get(2).isOk());
        assertEquals("window has 2 turns, the model's window is 6", r.get(3).error());
        assertEquals("turn 3 of the window is null", r.get(4).error());
        assertEquals(3, engine.stats().failedWindows());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> engine.predictNext(List.of("too", "short")));
        assertEquals("window has 2 turns, the model's window is 6", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.predictTopK(windows.get(0), 0));
        assertTrue(e.getMessage().startsWith("k must be between 1 and"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.predictBatch(null));
        assertThrows(IllegalArgumentException.class, () -> engine.predictNext(null));
        assertEquals(List.of(), engine.predictBatch(List.of()));
      }
    }
  }

  @Test
  void aClosedEngineRefusesCalls() {
    InferenceEngine engine = new InferenceEngine(options(small).build());
    engine.predictNext(distinctWindows(10, 1).get(0));
    engine.close();
    engine.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> engine.predictNext(distinctWindows(10, 1).get(0)));
    assertEquals("the inference engine is closed", e.getMessage());
  }

  // ---------------------------------------------------------------- memory

  @Test
  void cachesAreTrimmedWhenTheHeapCrossesItsFraction() {
    long[] used = {10};
    HeapTrimmer.HeapProbe probe = new HeapTrimmer.HeapProbe() {
      @Override
      public long used() {
        return used[0];
      }

      @Override
      public long max() {
        return 100;
      }
    };
    long budget = 64 * 1024;
    try (InferenceEngine engine = new InferenceEngine(options(small).cacheMemoryBytes(budget).heapTrimFraction(0.5)
        .build(), probe, 0)) {
      engine.predictBatch(distinctWindows(11, 30));
      EngineStats before = engine.stats();
      assertEquals(0, before.heapTrims());
      assertEquals(30, before.cache(InferenceEngine.PREDICTION_CACHE).entries());
      assertTrue(before.cacheBytes() <= budget);

      used[0] = 60; // above half the heap
      engine.predictBatch(distinctWindows(11, 30)); // all hits, then the check trims
      EngineStats after = engine.stats();
      assertEquals(1, after.heapTrims());
      assertEquals(15, after.cache(InferenceEngine.PREDICTION_CACHE).entries(), "the coldest half is dropped");
      assertEquals(15, after.cache(InferenceEngine.PREDICTION_CACHE).evictions());
      assertTrue(after.cacheBytes() < before.cacheBytes());
      assertEquals(30, after.cache(InferenceEngine.PREDICTION_CACHE).hits());

      used[0] = 10;
      engine.predictBatch(distinctWindows(12, 5));
      assertEquals(1, engine.stats().heapTrims(), "no trim below the fraction");
    }
  }

  @Test
  void differentModelsNeverShareAPredictionKey() {
    ModelBundle other = TestModels.builder().seed(99).build();
    WindowKey.Hasher a = new WindowKey.Hasher(small.modelId(), small.fingerprint());
    WindowKey.Hasher b = new WindowKey.Hasher(other.modelId(), other.fingerprint());
    List<String> w = distinctWindows(13, 1).get(0);
    assertEquals(a.key(w, 5), a.key(new ArrayList<>(w), 5));
    assertNotEquals(a.key(w, 5), b.key(w, 5));
    assertNotEquals(a.key(w, 5), a.key(w, 4));
    assertNotEquals(a.key(List.of("ab", "c"), 5), a.key(List.of("a", "bc"), 5), "turn boundaries count");
    float[] e = {0.25f, 0f, 1f};
    assertEquals(new EmbeddingKey(e, 5), new EmbeddingKey(e.clone(), 5));
    assertEquals(new EmbeddingKey(e, 5).hashCode(), new EmbeddingKey(e.clone(), 5).hashCode());
    assertNotEquals(new EmbeddingKey(e, 5), new EmbeddingKey(new float[] {0.25f, -0f, 1f}, 5),
        "embedding keys compare bits: 0 and -0 differ");
    assertNotEquals(new EmbeddingKey(e, 5), new EmbeddingKey(e, 4));
    EmbeddingKey before = new EmbeddingKey(e, 5);
    e[2] = 2f;
    assertNotEquals(new EmbeddingKey(e, 5), before, "the key copies the embedding");
  }
}
