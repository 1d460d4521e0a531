package org.lsmspark.training;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Mutes standard output for the calling thread only while SameDiff builds a gradient graph:
 * ND4J 1.0.0-M2.1 prints one line per op there with {@code System.out.println}, not through a
 * logger. Standard output is wrapped by a stream that drops bytes written by a muted thread and
 * passes every other thread's through, so no other thread loses output.
 */
final class SameDiffQuiet {
  private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);
  /** The stream this class put in place; wrapped again if someone replaces standard output since. */
  private static PrintStream installed;

  private SameDiffQuiet() {}

  static <T> T call(Supplier<T> work) {
    install();
    MUTED.set(true);
    try {
      return work.get();
    } finally {
      MUTED.set(false);
    }
  }

  private static synchronized void install() {
    if (System.out == installed) {
      return;
    }
    OutputStream filtered = new FilterOutputStream(System.out) {
      @Override
      public void write(int b) throws IOException {
        if (!MUTED.get()) {
          out.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (!MUTED.get()) {
          out.write(b, off, len);
        }
      }
    };
    installed = new PrintStream(filtered, true);
    System.setOut(installed);
  }
}
