package org.lsmspark.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test-only pause inside a table commit, armed by system properties of a child JVM (nothing
 * in the main code knows of it; the storage hooks {@link PausingLogStore} and
 * {@link PausingFileSystem} call it):
 *
 * <ul>
 *   <li>{@value #PAUSE} = {@code before} or {@code after}: pause right before the commit's
 *       atomic step (the data files are written, the table does not yet name them) or right
 *       after it (the table names them, the run has not yet returned);
 *   <li>{@value #READY}: a file created once paused, for the test to wait on;
 *   <li>{@value #RELEASE} (optional): a file whose appearance resumes the run; without it the
 *       run stays paused until killed.
 * </ul>
 *
 * It pauses once per JVM: a commit retried after a conflict goes on.
 */
final class FaultPoint {
  static final String PAUSE = "lsm.fault.pause";
  static final String READY = "lsm.fault.ready";
  static final String RELEASE = "lsm.fault.release";
  private static final AtomicBoolean PAUSED = new AtomicBoolean();

  private FaultPoint() {}

  /** The child's JVM options for a pause {@code when} ("before"/"after"), signalled by {@code ready}. */
  static List<String> options(String when, Path ready, Path release) {
    List<String> o = new ArrayList<>(List.of("-D" + PAUSE + "=" + when, "-D" + READY + "=" + ready));
    if (release != null) {
      o.add("-D" + RELEASE + "=" + release);
    }
    return o;
  }

  static void at(String when, String what) {
    if (!when.equals(System.getProperty(PAUSE)) || PAUSED.getAndSet(true)) {
      return;
    }
    try {
      Files.writeString(Path.of(System.getProperty(READY)), when + " " + what + "\n");
      String release = System.getProperty(RELEASE);
      while (release == null || !Files.exists(Path.of(release))) {
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
