package org.lsmspark.spark;

import io.delta.storage.HDFSLogStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta's log store for tables on a local or mounted file system ({@code file:} paths). A Delta
 * commit is the creation of {@code _delta_log/N.json}, and it must fail when another writer
 * created N first. Delta's default there ({@link HDFSLogStore}) checks that N is absent, then
 * renames a temporary file onto it; a local rename replaces, so two runs committing at once can
 * both succeed, the later file replacing the earlier: a run that reported its commit loses it.
 * Here N appears by a hard link, which the operating system refuses when N exists: one writer
 * wins in any number of JVMs, and the file is whole and synced before it appears. On a file
 * system without hard links, Delta's default, with a warning.
 */
public class LinkingLogStore extends HDFSLogStore {
  private static final Logger LOG = LoggerFactory.getLogger(LinkingLogStore.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  public LinkingLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    if (overwrite || !"file".equals(path.toUri().getScheme())) {
      super.write(path, actions, overwrite, hadoopConf); // no exclusion needed, or not a local path
      return;
    }
    java.nio.file.Path target = Paths.get(path.toUri());
    java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    Files.createDirectories(target.getParent());
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        while (actions.hasNext()) {
          ByteBuffer line = ByteBuffer.wrap((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
          while (line.hasRemaining()) {
            out.write(line);
          }
        }
        out.force(true);
      }
      try {
        link(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(path.toString()); // what Delta takes for a concurrent commit
      } catch (UnsupportedOperationException | FileSystemException e) {
        if (WARNED.compareAndSet(false, true)) {
          LOG.warn("{}: no hard links here ({}); Delta's default commit is used, which does not exclude a"
              + " concurrent run in another JVM", target.getParent(), e.getMessage());
        }
        super.write(path, Files.readAllLines(temp, StandardCharsets.UTF_8).iterator(), false, hadoopConf);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Makes the commit file appear; tests stand in a file system without hard links here. */
  void link(java.nio.file.Path target, java.nio.file.Path temp) throws IOException {
    Files.createLink(target, temp);
  }
}
