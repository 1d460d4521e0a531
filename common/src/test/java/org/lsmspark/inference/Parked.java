package org.lsmspark.inference;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits, without guessing a duration, until a thread is parked inside one of the named classes
 * (waiting for another thread's value, a lock, a latch) or has finished.
 */
final class Parked {
  private Parked() {}

  /** Returns once {@code t} waits or blocks with a frame of one of {@code classes}, or has ended. */
  static void await(Thread t, String... classes) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L; // only a hung test reaches it
    while (System.nanoTime() < deadline) {
      Thread.State s = t.getState();
      if (s == Thread.State.TERMINATED) {
        return;
      }
      if (s == Thread.State.WAITING || s == Thread.State.BLOCKED || s == Thread.State.TIMED_WAITING) {
        for (StackTraceElement f : t.getStackTrace()) {
          for (String c : classes) {
            if (f.getClassName().equals(c)) {
              return;
            }
          }
        }
      }
      Thread.sleep(1);
    }
    fail(t.getName() + " never parked in any of " + String.join(", ", classes) + "; it is " + t.getState());
  }
}
