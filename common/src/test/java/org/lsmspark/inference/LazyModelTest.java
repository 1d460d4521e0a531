package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junitpioneer.jupiter.RestoreSystemProperties;
import org.lsmspark.model.Golden;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.TestModels;

class LazyModelTest {
  private static ModelBundle small;

  @BeforeAll
  static void setUp() {
    small = TestModels.builder().build();
  }

  /**
   * The decode's index (the golden model factorises) is kept in the folder the options name, nowhere
   * with "off", and without a setting where system property lsm.index.cache says: an option not
   * passed down to the tokenizer leaves the named folder empty.
   */
  @Test
  @RestoreSystemProperties
  void theDecodesIndexIsKeptWhereTheOptionsSay(@TempDir Path dir) throws IOException {
    Path named = dir.resolve("named");
    Path property = dir.resolve("property");
    System.setProperty("lsm.index.cache", property.toString());
    EngineOptions.Builder options = EngineOptions.builder().bundle(Golden.V1.bundle());
    new LazyModel(options.indexCache(named.toString()).build()).get();
    assertEquals(1, files(named));
    assertEquals(0, files(property));
    new LazyModel(options.indexCache("off").build()).get();
    assertEquals(0, files(property));
    new LazyModel(options.indexCache(null).build()).get();
    assertEquals(1, files(property));
  }

  private static long files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".factored")).count();
    }
  }

  @Test
  void sixteenConcurrentFirstCallsLoadOnce() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Supplier<ModelBundle> blocking = () -> {
      loads.incrementAndGet();
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return small;
    };
    LazyModel model = new LazyModel(EngineOptions.forBundle(blocking));
    assertFalse(model.isLoaded());
    assertEquals(0, loads.get(), "nothing is read before the first call");
    int n = 16;
    AtomicReferenceArray<LazyModel.Loaded> got = new AtomicReferenceArray<>(n);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int slot = i;
      threads.add(new Thread(() -> got.set(slot, model.get()), "first-call-" + i));
    }
    threads.get(0).start();
    entered.await(); // thread 0 is loading
    for (Thread t : threads.subList(1, n)) {
      t.start();
    }
    for (Thread t : threads.subList(1, n)) {
      // blocked on the load lock; without one they would be loading too, parked in the latch
      Parked.await(t, LazyModel.class.getName(), CountDownLatch.class.getName());
    }
    release.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(1, loads.get(), "one load for " + n + " concurrent first calls");
    for (int i = 1; i < n; i++) {
      assertSame(got.get(0), got.get(i), "thread " + i);
    }
    assertTrue(model.isLoaded());
    assertTrue(model.loadSeconds() > 0);
  }

  @Test
  void eagerAndLegacyModesLoadAtConstruction() {
    AtomicInteger loads = new AtomicInteger();
    Supplier<ModelBundle> counting = () -> {
      loads.incrementAndGet();
      return small;
    };
    LazyModel eager = new LazyModel(EngineOptions.builder().bundleSource(counting).lazyLoad(false).build());
    assertEquals(1, loads.get());
    assertTrue(eager.isLoaded());
    assertEquals(small.modelId(), eager.get().model().bundle().modelId());
    assertEquals(1, loads.get(), "loaded once");
    new LazyModel(EngineOptions.builder().bundleSource(counting).legacyMode(true).build());
    assertEquals(2, loads.get(), "legacy mode loads eagerly");
    new LazyModel(EngineOptions.forBundle(counting));
    assertEquals(2, loads.get(), "lazy mode does not");
  }

  @Test
  void aFailedLoadThrowsAndTheNextCallTriesAgain() {
    AtomicInteger calls = new AtomicInteger();
    LazyModel model = new LazyModel(EngineOptions.forBundle(() -> calls.incrementAndGet() == 1 ? null : small));
    IllegalStateException e = assertThrows(IllegalStateException.class, model::get);
    assertEquals("the model bundle source returned no bundle", e.getMessage());
    assertFalse(model.isLoaded());
    assertEquals(0.0, model.loadSeconds());
    assertTrue(model.get().model().windowSize() > 0);
    assertEquals(2, calls.get());
  }
}
