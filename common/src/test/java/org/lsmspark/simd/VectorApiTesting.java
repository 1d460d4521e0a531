package org.lsmspark.simd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** For the tests of kernels with a Vector API implementation: the API absent. */
public final class VectorApiTesting {
  private VectorApiTesting() {}

  /**
   * What {@code main} prints, run in a JVM on this classpath without the module (a spark-submit
   * without the flag); throws unless it exits 0 within a minute.
   */
  public static String runWithoutModule(Class<?> main) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        main.getName())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(main.getSimpleName() + " without the module failed: " + out);
    }
    return out.strip();
  }
}
