package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.lsmspark.inference.WindowResult;

class ScoreAheadTest {
  private static final List<TurnWindows.Window> CHUNK = List.of();

  @Test
  void scoresOnAnotherThreadAndHandsBackTheChunkWithItsResults() {
    AtomicReference<Thread> scoredOn = new AtomicReference<>();
    List<WindowResult> results = List.of(WindowResult.error("x"));
    try (ScoreAhead ahead = new ScoreAhead()) {
      assertFalse(ahead.busy());
      ahead.start(CHUNK, () -> {
        scoredOn.set(Thread.currentThread());
        return results;
      });
      assertTrue(ahead.busy());
      assertThrows(IllegalStateException.class, () -> ahead.start(CHUNK, List::of), "one chunk at a time");
      ScoreAhead.Scored s = ahead.await();
      assertSame(CHUNK, s.chunk());
      assertSame(results, s.results());
      assertTrue(s.nanos() >= 0);
      assertFalse(ahead.busy());
      assertTrue(scoredOn.get() != Thread.currentThread() && scoredOn.get().getName().startsWith("lsm-score-ahead"));
    }
  }

  @Test
  void whatScoringThrowsComesBackAsItWasThrown() {
    IllegalArgumentException thrown = new IllegalArgumentException("bad k");
    OutOfMemoryError oom = new OutOfMemoryError("heap");
    try (ScoreAhead ahead = new ScoreAhead()) {
      ahead.start(CHUNK, () -> {
        throw thrown;
      });
      assertSame(thrown, assertThrows(IllegalArgumentException.class, ahead::await));
      ahead.start(CHUNK, () -> {
        throw oom;
      });
      assertSame(oom, assertThrows(OutOfMemoryError.class, ahead::await));
    }
  }

  @Test
  void closingWhileAChunkIsScoredLetsItFinishAndStopsTheThread() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> helper = new AtomicReference<>();
    ScoreAhead ahead = new ScoreAhead();
    ahead.start(CHUNK, () -> {
      helper.set(Thread.currentThread());
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new AssertionError("a chunk being scored is not interrupted", e);
      }
      return List.of();
    });
    assertTrue(started.await(30, TimeUnit.SECONDS));
    ahead.close();
    assertFalse(ahead.busy());
    assertTrue(helper.get().isAlive(), "the chunk is still being scored");
    release.countDown();
    helper.get().join(TimeUnit.SECONDS.toMillis(30));
    assertFalse(helper.get().isAlive(), "the helper thread ends once its chunk is done");
    assertThrows(RejectedExecutionException.class, () -> ahead.start(CHUNK, List::of));
  }
}
