package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLockManagerTest {
  @TempDir Path dir;

  static FileLockManager manager(long timeoutMs) {
    FileLockManager m = new FileLockManager();
    m.initialize(Map.of("lock.acquire-timeout-ms", String.valueOf(timeoutMs)));
    return m;
  }

  String version(int n) {
    return new org.apache.hadoop.fs.Path(dir.resolve("metadata").resolve("v" + n + ".metadata.json").toUri())
        .toString();
  }

  @Test
  void aSecondCommitOfTheTableWaitsForTheFirstInThisJvm() throws Exception {
    Files.createDirectories(dir.resolve("metadata"));
    FileLockManager first = manager(1_000);
    FileLockManager second = manager(200);
    assertTrue(first.acquire(version(3), "a"));
    assertFalse(second.acquire(version(3), "b"), "taken while the first holds it");
    assertFalse(second.acquire(version(4), "b"), "one lock a table, whatever the version");
    assertTrue(first.release(version(3), "a"));
    assertTrue(second.acquire(version(3), "b"));
    assertTrue(second.release(version(3), "b"));
    assertFalse(second.release(version(3), "b"), "released twice");
  }

  /** The lock excludes another JVM, and is free again once that JVM has died holding it. */
  @Test
  void anotherJvmHoldingTheLockExcludesThisOneUntilItDies() throws Exception {
    Files.createDirectories(dir.resolve("metadata"));
    Path locked = dir.resolve("locked");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        ClusterSession.classpath(), Holder.class.getName(), version(7), locked.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("holder.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(locked) && holder.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.exists(locked), "the holder never took the lock: " + Files.readString(dir.resolve("holder.log")));
      FileLockManager here = manager(300);
      assertFalse(here.acquire(version(7), "here"), "acquired while another JVM holds the lock");
      holder.destroyForcibly().waitFor(); // SIGKILL: nothing released it but the operating system
      assertTrue(here.acquire(version(8), "here"), "still taken after its holder died");
      assertTrue(here.release(version(8), "here"));
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void otherFileSystemsGetIcebergsDefaultLock() throws Exception {
    FileLockManager m = manager(200);
    String remote = "hdfs://namenode:8020/warehouse/t/metadata/v2.metadata.json";
    assertEquals(null, FileLockManager.lockFile(remote));
    assertTrue(m.acquire(remote, "a"));
    assertTrue(m.release(remote, "a"));
  }

  /** Takes the lock of {@code args[0]}, says so by creating {@code args[1]}, holds it until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      if (!manager(10_000).acquire(args[0], "holder")) {
        System.exit(2);
      }
      Files.createFile(Path.of(args[1]));
      Thread.sleep(600_000);
    }
  }
}
