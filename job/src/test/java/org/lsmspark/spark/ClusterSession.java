package org.lsmspark.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark standalone cluster inside the test ({@code local-cluster} mode): a master and workers
 * in this JVM, each executor a JVM of its own on 127.0.0.1.
 */
final class ClusterSession {
  private ClusterSession() {}

  /** The test classpath with absolute entries: executors fail to deserialize lambdas otherwise. */
  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> absolute = new ArrayList<>();
    for (String e : cp.split(File.pathSeparator)) {
      absolute.add(new File(e).getAbsolutePath());
    }
    return String.join(File.pathSeparator, absolute);
  }

  static SparkSession start(String master, Map<String, String> extra) {
    // local-cluster needs a SPARK_HOME with a RELEASE file and a jars/ folder (surefire points SPARK_HOME here)
    Path home = Path.of(System.getenv("SPARK_HOME"));
    try {
      Files.createDirectories(home.resolve("jars"));
      Files.writeString(home.resolve("RELEASE"), "Spark (test stand-in)\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SparkConf conf = new SparkConf()
        .setMaster(master)
        .setAppName("lsm cluster test")
        .set("spark.executor.extraClassPath", classpath())
        .set("spark.executor.extraJavaOptions", System.getProperty("jvm.opens"))
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.kryo.registrator", LsmKryoRegistrator.class.getName())
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false");
    extra.forEach(conf::set);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The executor JVMs this test JVM started (read from /proc: their command lines are too long for ProcessHandle). */
  static List<ProcessHandle> executors() {
    return ProcessHandle.current().descendants().filter(p -> {
      try {
        return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
            java.nio.charset.StandardCharsets.ISO_8859_1).contains("CoarseGrainedExecutorBackend");
      } catch (IOException e) {
        return false;
      }
    }).toList();
  }
}
