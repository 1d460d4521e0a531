package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** conf/spark-defaults.conf keeps up with the code: Kryo, our registrator, every JVM flag the tests use. */
class SparkDefaultsTest {
  static Map<String, String> defaults() throws Exception {
    Map<String, String> m = new HashMap<>();
    for (String line : Files.readAllLines(Path.of(System.getProperty("user.dir"), "..", "conf", "spark-defaults.conf"))) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        String[] kv = l.split("\\s+", 2);
        m.put(kv[0], kv.length > 1 ? kv[1].strip() : "");
      }
    }
    return m;
  }

  @Test
  void kryoWithTheRegistratorAndEveryAddOpensFlagOnDriverAndExecutors() throws Exception {
    Map<String, String> d = defaults();
    assertEquals("org.apache.spark.serializer.KryoSerializer", d.get("spark.serializer"));
    assertEquals(LsmKryoRegistrator.class.getName(), d.get("spark.kryo.registrator"));
    for (String flag : System.getProperty("jvm.opens").split(" ")) {
      for (String key : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
        assertTrue(List.of(d.getOrDefault(key, "").split("\\s+")).contains(flag), key + " lacks " + flag);
      }
    }
    assertTrue(d.containsKey("spark.executor.memory") && d.containsKey("spark.executor.memoryOverhead"));
  }
}
