package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SameDiffQuietTest {
  @Test
  void mutesOnlyTheCallingThreadAndOnlyWhileItWorks() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      SameDiffQuiet.call(() -> {
        System.out.println("muted");
        Thread other = new Thread(() -> System.out.println("other thread"));
        other.start();
        try {
          other.join();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        return null;
      });
      System.out.println("after");
    } finally {
      System.setOut(original);
    }
    assertEquals("other thread\nafter\n", buf.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
  }
}
