package org.lsmspark.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.LockManager;
import org.apache.iceberg.util.LockManagers;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Iceberg's commit lock for Hadoop-catalog tables on a local or mounted file system. Such a
 * table commits by checking that {@code metadata/vN.metadata.json} is absent, then renaming onto
 * it; a local rename replaces, and Iceberg's default lock holds within one JVM only, so two runs
 * in two JVMs could both commit version N, the later replacing the earlier. This lock is an
 * operating-system lock on {@code metadata/.lsm-commit.lock}: it excludes other JVMs too, and
 * the system releases it when its holder dies. Other file systems get Iceberg's default lock.
 */
public final class FileLockManager implements LockManager {
  static final String LOCK_FILE = ".lsm-commit.lock";
  /** A JVM may hold a file's lock once: its own threads queue here, other JVMs at the file. */
  private static final Map<java.nio.file.Path, Semaphore> IN_JVM = new ConcurrentHashMap<>();
  /** Warehouses of the catalogs this JVM built with this lock: one loaded before it was set has Iceberg's. */
  private static final Set<String> WAREHOUSES = ConcurrentHashMap.newKeySet();
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final LockManager others = LockManagers.defaultLockManager(); // shared: not closed here
  private long timeoutMs = CatalogProperties.LOCK_ACQUIRE_TIMEOUT_MS_DEFAULT;
  private long intervalMs = 20;

  private record Held(Semaphore inJvm, FileChannel channel, FileLock lock) {}

  @Override
  public void initialize(Map<String, String> properties) {
    timeoutMs = PropertyUtil.propertyAsLong(properties, CatalogProperties.LOCK_ACQUIRE_TIMEOUT_MS, timeoutMs);
    intervalMs = Math.min(intervalMs, timeoutMs);
    String warehouse = properties.get(CatalogProperties.WAREHOUSE_LOCATION);
    if (warehouse != null) {
      WAREHOUSES.add(warehouse);
    }
  }

  /** Whether a catalog of this warehouse (as configured) was built with this lock in this JVM. */
  static boolean locksCatalogOf(String warehouse) {
    return WAREHOUSES.contains(warehouse);
  }

  /** {@code entityId} is the file the commit creates; false when the lock stayed taken until the timeout. */
  @Override
  public boolean acquire(String entityId, String ownerId) {
    java.nio.file.Path file = lockFile(entityId);
    if (file == null) {
      return others.acquire(entityId, ownerId);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Semaphore inJvm = IN_JVM.computeIfAbsent(file, f -> new Semaphore(1));
    try {
      if (!inJvm.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
        return false;
      }
      FileChannel channel = null;
      try {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        for (FileLock lock = channel.tryLock(); ; lock = channel.tryLock()) {
          if (lock != null) {
            held.put(key(entityId, ownerId), new Held(inJvm, channel, lock));
            return true;
          }
          if (System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(intervalMs);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot lock " + file + " for an Iceberg commit", e);
      } finally {
        if (!held.containsKey(key(entityId, ownerId))) {
          close(channel);
          inJvm.release();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public boolean release(String entityId, String ownerId) {
    if (lockFile(entityId) == null) {
      return others.release(entityId, ownerId);
    }
    Held h = held.remove(key(entityId, ownerId));
    if (h == null) {
      return false;
    }
    try {
      h.lock().release();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      close(h.channel()); // closing releases the lock too
      h.inJvm().release();
    }
    return true;
  }

  @Override
  public void close() throws Exception {
    for (Map.Entry<String, Held> e : Map.copyOf(held).entrySet()) {
      int sep = e.getKey().indexOf('\n');
      release(e.getKey().substring(0, sep), e.getKey().substring(sep + 1));
    }
  }

  /** The lock file beside a local {@code entityId}, or null for other file systems. */
  static java.nio.file.Path lockFile(String entityId) {
    java.net.URI uri = new org.apache.hadoop.fs.Path(entityId).toUri();
    return isLocal(uri) ? Paths.get(uri).resolveSibling(LOCK_FILE) : null;
  }

  /** Whether this lock, not Iceberg's default, guards commits under {@code location}. */
  static boolean isLocal(String location) {
    return isLocal(new org.apache.hadoop.fs.Path(location).toUri());
  }

  private static boolean isLocal(java.net.URI uri) {
    return "file".equals(uri.getScheme());
  }

  private static String key(String entityId, String ownerId) {
    return entityId + "\n" + ownerId;
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
