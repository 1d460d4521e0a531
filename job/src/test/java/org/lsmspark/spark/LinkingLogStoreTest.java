package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkingLogStoreTest {
  static final Configuration CONF = new Configuration();
  @TempDir Path dir;

  static org.apache.hadoop.fs.Path hadoop(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  @Test
  void aCommitFileHoldsTheActionsALineEachAndNothingElseIsLeft() throws Exception {
    Path commit = dir.resolve("00000000000000000000.json");
    new LinkingLogStore(CONF).write(hadoop(commit), List.of("{\"a\":1}", "{\"b\":2}").iterator(), false, CONF);
    assertEquals("{\"a\":1}\n{\"b\":2}\n", Files.readString(commit));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(commit), files.toList(), "temporary files or checksums left beside the commit");
    }
  }

  @Test
  void aSecondCommitOfAVersionFailsAndLeavesTheFirst() throws Exception {
    Path commit = dir.resolve("00000000000000000001.json");
    LinkingLogStore store = new LinkingLogStore(CONF);
    store.write(hadoop(commit), List.of("first").iterator(), false, CONF);
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> store.write(hadoop(commit), List.of("second").iterator(), false, CONF));
    assertEquals(hadoop(commit).toString(), e.getMessage());
    assertEquals("first\n", Files.readString(commit));
  }

  @Test
  void anOverwriteReplaces() throws Exception {
    Path checkpointPointer = dir.resolve("_last_checkpoint");
    LinkingLogStore store = new LinkingLogStore(CONF);
    store.write(hadoop(checkpointPointer), List.of("old").iterator(), true, CONF);
    store.write(hadoop(checkpointPointer), List.of("new").iterator(), true, CONF);
    assertEquals("new\n", Files.readString(checkpointPointer));
  }

  /** Where hard links are refused (some mounted file systems), Delta's own commit still writes and still refuses a second. */
  @Test
  void withoutHardLinksDeltasDefaultCommitsTheSameLines() throws Exception {
    LinkingLogStore store = new LinkingLogStore(CONF) {
      @Override
      void link(Path target, Path temp) throws java.io.IOException {
        throw new java.nio.file.FileSystemException(temp.toString(), target.toString(), "Operation not permitted");
      }
    };
    Path commit = dir.resolve("00000000000000000002.json");
    store.write(hadoop(commit), List.of("{\"a\":1}", "{\"b\":2}").iterator(), false, CONF);
    assertEquals("{\"a\":1}\n{\"b\":2}\n", Files.readString(commit));
    assertThrows(FileAlreadyExistsException.class,
        () -> store.write(hadoop(commit), List.of("second").iterator(), false, CONF));
    assertEquals("{\"a\":1}\n{\"b\":2}\n", Files.readString(commit));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".tmp")).toList(), "temporary files left");
    }
  }

  /**
   * Writers released together onto the same version, each with a log store of its own (as two
   * JVMs have): exactly one succeeds each round and the file is its. Delta's default log store,
   * which checks and then renames, failed this within three rounds: the file held a writer told
   * it had lost.
   */
  @Test
  void ofWritersRacingForOneVersionExactlyOneWinsAndTheFileIsItsOwn() throws Exception {
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int round = 0; round < 200; round++) {
        Path commit = dir.resolve(String.format("%020d.json", round));
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<Boolean>> won = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String content = "writer " + w;
          won.add(pool.submit(() -> {
            LinkingLogStore store = new LinkingLogStore(CONF);
            start.await();
            try {
              store.write(hadoop(commit), List.of(content).iterator(), false, CONF);
              return true;
            } catch (FileAlreadyExistsException e) {
              return false;
            }
          }));
        }
        List<Integer> winners = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          if (won.get(w).get()) {
            winners.add(w);
          }
        }
        assertEquals(1, winners.size(), "round " + round + ": writers " + winners + " all committed");
        assertEquals("writer " + winners.get(0) + "\n", Files.readString(commit), "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
