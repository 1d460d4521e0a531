package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The predict loop: chunks written in input order whatever order their scoring ends in, several
 * scored at once with more than one slot (and on the calling thread with one), failures thrown as
 * they were thrown, and no thread left behind.
 */
class ChunkPipelineTest {

  /** Chunks of {@code size} numbers from 0 to {@code count − 1}, then an empty one. */
  private static ChunkPipeline.Source<List<Integer>> numbers(int count, int size) {
    Iterator<Integer> it = java.util.stream.IntStream.range(0, count).iterator();
    return () -> {
      List<Integer> chunk = new ArrayList<>();
      while (chunk.size() < size && it.hasNext()) {
        chunk.add(it.next());
      }
      return chunk;
    };
  }

  @Test
  void writesInInputOrderWhileScoringSeveralAtOnce() throws IOException {
    Set<String> scorers = ConcurrentHashMap.newKeySet();
    CountDownLatch together = new CountDownLatch(3); // the first three chunks must be scoring at once
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    ChunkPipeline.Totals t = ChunkPipeline.run(3, numbers(50, 2), chunk -> {
      scorers.add(Thread.currentThread().getName());
      together.countDown();
      try {
        assertTrue(together.await(10, TimeUnit.SECONDS), "chunks scored one after another");
        Thread.sleep((50 - chunk.get(0)) % 7); // later chunks often end first
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return chunk.stream().map(i -> -i).toList();
    }, (chunk, results) -> {
      for (int i = 0; i < chunk.size(); i++) {
        assertEquals(-chunk.get(i), results.get(i), "results paired with another chunk");
        written.add(chunk.get(i));
      }
      return chunk.stream().filter(i -> i % 10 == 0).count();
    });
    assertEquals(java.util.stream.IntStream.range(0, 50).boxed().toList(), written);
    assertEquals(new ChunkPipeline.Totals(50, 5), t);
    assertEquals(3, scorers.size(), "scored on " + scorers);
    assertNoPipelineThreads();
  }

  @Test
  void oneSlotScoresOnTheCallingThread() throws IOException {
    String caller = Thread.currentThread().getName();
    List<String> on = new ArrayList<>();
    ChunkPipeline.Totals t = ChunkPipeline.run(1, numbers(5, 2), chunk -> {
      on.add(Thread.currentThread().getName());
      return chunk;
    }, (chunk, results) -> 0);
    assertEquals(List.of(caller, caller, caller), on);
    assertEquals(new ChunkPipeline.Totals(5, 0), t);
  }

  @Test
  void anEmptyInputScoresNothing() throws IOException {
    assertEquals(new ChunkPipeline.Totals(0, 0), ChunkPipeline.run(2, numbers(0, 4), chunk -> {
      throw new AssertionError("scored an empty chunk");
    }, (chunk, results) -> {
      throw new AssertionError("wrote an empty chunk");
    }));
  }

  @Test
  void failuresAreThrownAsTheyWereThrownAndStopTheThreads() {
    IllegalArgumentException scoring = new IllegalArgumentException("chunk 3 is bad");
    for (int slots : new int[] {1, 2}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChunkPipeline.run(slots,
          numbers(20, 1), chunk -> {
            if (chunk.get(0) == 3) {
              throw scoring;
            }
            return chunk;
          }, (chunk, results) -> 0));
      assertSame(scoring, e);
      IOException writing = new IOException("disk full");
      assertSame(writing, assertThrows(IOException.class, () -> ChunkPipeline.run(slots, numbers(20, 1),
          chunk -> chunk, (chunk, results) -> {
            throw writing;
          })));
      IOException reading = new IOException("line 7: not UTF-8");
      assertSame(reading, assertThrows(IOException.class, () -> ChunkPipeline.run(slots, () -> {
        throw reading;
      }, chunk -> chunk, (chunk, results) -> 0)));
      assertNoPipelineThreads();
    }
  }

  private static void assertNoPipelineThreads() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      assertTrue(!t.getName().startsWith("lsm-predict-") || !t.isAlive(), "left running: " + t.getName());
    }
  }
}
