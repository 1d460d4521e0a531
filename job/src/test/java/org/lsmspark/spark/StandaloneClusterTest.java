package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar on a real Spark standalone cluster: a master and two workers (1 core,
 * 1 GB each) started from Spark's own classes on 127.0.0.1, the jar submitted in client mode with
 * {@code conf/spark-defaults.conf}, exactly as {@code bin/spark-submit} runs it, and the table it
 * writes equal, row for row, to what {@code lsm predict} writes for the same windows.
 *
 * <p>Everything is launched the way Spark's scripts launch it: {@code bin/spark-class} runs
 * {@code org.apache.spark.launcher.Main}, which prints the java command (the classpath from
 * {@code SPARK_HOME/jars/*} and {@code SPARK_HOME/conf}, -Xmx from {@code spark.driver.memory}
 * or {@code SPARK_DAEMON_MEMORY}, {@code spark.driver.extraJavaOptions} from the properties file),
 * and the script then runs it. A worker launches an executor the same way, through the launcher's
 * {@code WorkerCommandBuilder}: java from its own {@code java.home}, {@code SPARK_HOME/jars/*}
 * (SPARK_HOME of the worker's environment), {@code spark.executor.extraJavaOptions} and -Xmx from
 * {@code spark.executor.memory}; the application jar is not on that classpath, the executor
 * fetches it from the driver. So the stand-in SPARK_HOME needs a RELEASE file (it marks a
 * distribution: jars/ is then where the jars are), jars/ holding Spark's jars (links to the local
 * Maven repository; Maven lists them, see the faults profile in job/pom.xml) and conf/ with a
 * log4j2.properties. Neither the project's classes nor what only the jar brings (ND4J, Delta,
 * Iceberg, picocli) is in it: they reach the driver and executors through the jar alone.
 *
 * <p>Runs with the other fault tests of {@code -Pfaults verify}, which builds the jar before the
 * tests (process-test-classes).
 */
@Tag("fault")
@Tag("standalone")
class StandaloneClusterTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final String RUN_DATE = "2026-07-08";
  static final int WINDOW = 10;
  static final int TOP_K = 5;
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @TempDir static Path tmp;
  static Path home;
  static Path logs;
  static String launcherJar;
  static int masterPort;
  static int masterUi;
  static final List<Path> workDirs = new ArrayList<>();
  /** Master and workers, killed in {@link #stop()} and, should this JVM die first, by a shutdown hook. */
  static final List<Process> daemons = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    long t0 = System.nanoTime();
    Path jar = submitJar();
    assertTrue(Files.isRegularFile(jar), "no spark-submit jar at " + jar
        + ": this test runs in ./mvnw -Pfaults verify, which builds it before the tests");
    assertSameProjectClasses(jar);
    Runtime.getRuntime().addShutdownHook(new Thread(StandaloneClusterTest::killAll));
    home = sparkHome();
    logs = Files.createDirectories(tmp.resolve("logs"));
    masterPort = freePort();
    masterUi = freePort();
    daemons.add(sparkClass("master", "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi)));
    for (int w = 1; w <= 2; w++) {
      Path work = Files.createDirectories(tmp.resolve("worker-" + w));
      workDirs.add(work);
      daemons.add(sparkClass("worker-" + w, "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--webui-port", String.valueOf(freePort()), "--cores", "1", "--memory", "1g",
          "--work-dir", work.toString(), masterUrl()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    int alive = -1;
    while (System.nanoTime() < deadline) {
      for (Process d : daemons) {
        assertTrue(d.isAlive(), () -> "a daemon exited (" + d.exitValue() + ")\n" + logTails());
      }
      JsonNode state = masterState();
      alive = state == null ? -1 : state.path("aliveworkers").asInt(-1);
      if (alive == 2) {
        System.err.printf("StandaloneClusterTest: master and 2 workers up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return;
      }
      Thread.sleep(250);
    }
    fail("the master has " + alive + " alive workers after 90 s, not 2\n" + logTails());
  }

  @AfterAll
  static void stop() {
    killAll();
  }

  /** Executors (children of the workers) and the daemons, forcibly: no JVM outlives the test. */
  static void killAll() {
    for (Process d : daemons) {
      d.descendants().forEach(ProcessHandle::destroyForcibly);
      d.destroyForcibly();
    }
    for (Process d : daemons) {
      try {
        d.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void theSubmittedJarScoresEveryWindowAsLsmPredictDoes() throws Exception {
    List<List<String>> conversations = conversations();
    Path corpus = tmp.resolve("corpus.jsonl");
    Path windows = tmp.resolve("windows.jsonl");
    Map<String, String> actual = new TreeMap<>();
    try (var c = Files.newBufferedWriter(corpus); var w = Files.newBufferedWriter(windows)) {
      for (int i = 0; i < conversations.size(); i++) {
        String id = String.format("conv-%02d", i);
        List<String> turns = conversations.get(i);
        ObjectNode row = JSON.createObjectNode().put("dialogue_id", id);
        turns.forEach(row.putArray("turns")::add);
        c.write(JSON.writeValueAsString(row) + "\n");
        for (int t = WINDOW; t < turns.size(); t++) {
          ObjectNode window = JSON.createObjectNode().put("id", id + "/" + t);
          turns.subList(t - WINDOW, t).forEach(window.putArray("turns")::add);
          w.write(JSON.writeValueAsString(window) + "\n");
          actual.put(id + "/" + t, turns.get(t));
        }
      }
    }

    Path table = tmp.resolve("table");
    Path indexCache = tmp.resolve("index-cache");
    long started = System.nanoTime();
    Process driver = sparkClass("spark-submit", "org.apache.spark.deploy.SparkSubmit",
        "--master", masterUrl(), "--deploy-mode", "client", "--class", "org.lsmspark.cli.Main",
        "--properties-file", Path.of(System.getProperty("lsm.conf.dir"), "spark-defaults.conf").toString(),
        // what an operator sizes down for workers of 1 core and 1 GB; the rest is the shipped file
        "--driver-memory", "1g", "--executor-memory", "1g", "--conf", "spark.executor.cores=1",
        // both executors registered before the first task, so that both score
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
        // every class shipped between the JVMs is registered by the jar's LsmKryoRegistrator
        "--conf", "spark.kryo.registrationRequired=true",
        // the executors keep the decode's index in a node-local folder (README, "the index cache")
        "--conf", "spark.lsm.indexCache=" + indexCache,
        submitJar().toString(),
        "score", "--model", GOLDEN.resolve("model").toString(), "--input", corpus.toString(),
        "--output", table.toString(), "--run-date", RUN_DATE, "--partitions", "4", "--top-k", String.valueOf(TOP_K));
    assertTrue(driver.waitFor(5, TimeUnit.MINUTES), () -> "spark-submit still running after 5 min\n" + logTails());
    int code = driver.exitValue();
    System.err.printf("StandaloneClusterTest: spark-submit exited %d after %.1f s%n", code,
        (System.nanoTime() - started) / 1e9);
    assertEquals(0, code, () -> "spark-submit exit code\n" + logTails());

    // both workers launched an executor of the application (work/<app-id>/<executor-id>/)
    for (Path work : workDirs) {
      try (Stream<Path> apps = Files.list(work)) {
        List<Path> executors = apps.flatMap(StandaloneClusterTest::list).toList();
        assertEquals(1, executors.size(), () -> work + " holds executors " + executors + "\n" + logTails());
      }
    }
    // and both executors scored: the model was loaded once on each, never on the driver
    RunManifest manifest = manifest(table);
    Map<String, Long> loads = manifest.modelLoadsPerExecutor();
    assertEquals(2, loads.size(), () -> "executors that loaded the model: " + loads + "\n" + logTails());
    loads.forEach((executor, n) -> assertEquals(1L, n, "loads on executor " + executor));
    assertFalse(loads.containsKey("driver"), "the driver must not score: " + loads);
    // the executors (the driver decodes nothing) built the golden model's index and kept it there
    assertTrue(Files.isDirectory(indexCache), () -> "no index cache folder\n" + logTails());
    try (Stream<Path> kept = Files.list(indexCache)) {
      assertEquals(1, kept.filter(p -> p.toString().endsWith(".factored")).count(), () -> "index cache\n" + logTails());
    }

    started = System.nanoTime();
    Path predictions = tmp.resolve("predictions.jsonl");
    assertEquals(0, org.lsmspark.cli.Main.run("predict", "--model", GOLDEN.resolve("model").toString(),
        "--input", windows.toString(), "--output", predictions.toString(), "--top-k", String.valueOf(TOP_K)));
    Map<String, String> expected = new TreeMap<>();
    for (String line : Files.readAllLines(predictions)) {
      JsonNode p = JSON.readTree(line);
      StringBuilder top = new StringBuilder();
      for (JsonNode c : p.get("top_k")) {
        top.append(c.get("text").asText()).append('=').append(exactFloat(c.get("score"))).append(';');
      }
      String key = p.get("id").asText();
      expected.put(key, "ok|" + p.get("predicted_text").asText() + "|" + exactFloat(p.get("confidence")) + "|"
          + top + "|" + actual.get(key) + "|null");
    }
    assertEquals(actual.size(), expected.size());

    // the project promises exact results (Exactness in the README): equal strings, floats bit for bit
    Map<String, String> scored = new TreeMap<>();
    for (Row r : SparkTestSession.get().read().parquet(table + "/run_date=" + RUN_DATE).collectAsList()) {
      String key = r.getAs("conversation_id") + "/" + r.getAs("turn_index");
      assertNull(scored.put(key, r.getAs("status") + "|" + r.getAs("predicted_text") + "|" + r.getAs("confidence")
          + "|" + ScoreJobTest.topK(r) + "|" + r.getAs("actual_text") + "|" + r.getAs("error")), "duplicate row " + key);
    }
    System.err.printf("StandaloneClusterTest: lsm predict and reading the table took %.1f s%n",
        (System.nanoTime() - started) / 1e9);
    assertEquals(expected.keySet(), scored.keySet(), "the windows scored");
    expected.forEach((key, row) -> assertEquals(row, scored.get(key), key));
    assertEquals(expected.size(), manifest.counts().rowsWritten());
    assertEquals(0L, manifest.counts().errors());
  }

  /** 23 conversations of 20 turns, each two golden windows end to end: 230 windows, 10 per conversation. */
  static List<List<String>> conversations() throws IOException {
    List<String> lines = Files.readAllLines(GOLDEN.resolve("windows.jsonl"));
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i + 1 < lines.size(); i += 2) {
      List<String> turns = new ArrayList<>();
      for (String line : List.of(lines.get(i), lines.get(i + 1))) {
        JSON.readTree(line).get("turns").forEach(t -> turns.add(t.asText()));
      }
      out.add(turns);
    }
    return out;
  }

  /** The float a JSON number written from a float stands for (parsed from its decimal text, not via double). */
  static float exactFloat(JsonNode n) {
    return Float.parseFloat(n.decimalValue().toString());
  }

  static RunManifest manifest(Path table) throws IOException {
    try (Stream<Path> runs = Files.list(table.resolve("_runs"))) {
      List<Path> json = runs.filter(p -> p.toString().endsWith(".json")).toList();
      assertEquals(1, json.size(), "manifests " + json);
      return RunManifest.fromJson(Files.readString(json.get(0)), json.get(0).toString());
    }
  }

  /**
   * The jar's project classes are this build's, byte for byte, so that comparing with
   * {@code lsm predict} in this JVM compares one code base. Built with {@code -pl job} alone, the
   * jar takes lsm-spark-common from the local repository, which another checkout may have
   * installed: its numbers then differ in the last digits and the row comparison fails for that.
   */
  static void assertSameProjectClasses(Path jar) throws IOException {
    int compared = 0;
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      for (var e : java.util.Collections.list(j.entries())) {
        if (e.getName().startsWith("org/lsmspark/") && e.getName().endsWith(".class")) {
          try (var inJar = j.getInputStream(e);
               var here = StandaloneClusterTest.class.getClassLoader().getResourceAsStream(e.getName())) {
            assertTrue(here != null && java.util.Arrays.equals(inJar.readAllBytes(), here.readAllBytes()),
                e.getName() + " in " + jar + " differs from this build's: a stale jar, or lsm-spark-common"
                    + " from the local repository rather than this checkout (build with -am)");
            compared++;
          }
        }
      }
    }
    assertTrue(compared > 100, "project classes in the jar: " + compared);
  }

  static Path submitJar() {
    return Path.of(System.getProperty("spark.submit.jar", "target/lsm-spark-job-spark-submit.jar"));
  }

  static String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The stand-in Spark distribution: RELEASE, jars/ (links to Spark's jars), conf/log4j2.properties. */
  static Path sparkHome() throws IOException {
    Path h = Files.createDirectories(tmp.resolve("spark-home"));
    Files.writeString(h.resolve("RELEASE"), "Spark (test stand-in of a distribution)\n");
    Path jars = Files.createDirectories(h.resolve("jars"));
    Set<String> entries = new LinkedHashSet<>();
    for (String list : System.getProperty("spark.distribution.classpath").split(File.pathSeparator)) {
      for (String e : Files.readString(Path.of(list)).strip().split(File.pathSeparator)) {
        if (!e.isBlank()) {
          entries.add(e);
        }
      }
    }
    for (String e : entries) {
      Path target = Path.of(e);
      Path link = jars.resolve(target.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, target);
      }
      if (target.getFileName().toString().startsWith("spark-launcher_")) {
        launcherJar = target.toString();
      }
    }
    assertTrue(entries.size() > 100, "Spark's jars: " + entries);
    assertTrue(entries.stream().noneMatch(e -> e.contains("nd4j") || e.contains("delta-spark") || e.contains("lsm-spark")
        || e.contains("iceberg") || e.contains("picocli")), "the distribution holds only Spark's jars: " + entries);
    Path conf = Files.createDirectories(h.resolve("conf"));
    Files.copy(Path.of(System.getProperty("lsm.conf.dir"), "log4j2.properties"), conf.resolve("log4j2.properties"));
    return h;
  }

  /**
   * {@code bin/spark-class CLASS ARGS}: the launcher prints the command (after a NUL and a newline,
   * NUL-separated), which then runs with its output in logs/NAME.log.
   */
  static Process sparkClass(String name, String... args) throws Exception {
    List<String> launch = new ArrayList<>(List.of(java(), "-Xmx128m", "-cp", launcherJar,
        "org.apache.spark.launcher.Main"));
    launch.addAll(List.of(args));
    ProcessBuilder launcher = new ProcessBuilder(launch).redirectError(logs.resolve(name + ".launcher.log").toFile());
    environment(launcher.environment());
    Process p = launcher.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), () -> "the launcher of " + name + "\n" + logTails());
    int start = 0;
    while (start < out.length && out[start] != 0) {
      start++;
    }
    String printed = new String(out, start + 2, out.length - start - 2, StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>(List.of(printed.split("\0")));
    Files.writeString(logs.resolve(name + ".command"), String.join("\n", cmd) + "\n");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile());
    environment(pb.environment());
    return pb.start();
  }

  static void environment(Map<String, String> env) {
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");  // what bin/load-spark-env.sh exports
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_DAEMON_MEMORY", "256m");
    env.remove("SPARK_CONF_DIR");
    env.remove("SPARK_DIST_CLASSPATH");
    env.remove("CLASSPATH");
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** The master's state (GET /json/), or null while it does not answer. */
  static JsonNode masterState() {
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/")).timeout(Duration.ofSeconds(5))
              .build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static Stream<Path> list(Path dir) {
    try {
      return Files.isDirectory(dir) ? Files.list(dir).toList().stream() : Stream.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of every child's log and of every executor's stderr and stdout. */
  static String logTails() {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> l = Files.list(logs)) {
      l.filter(p -> p.toString().endsWith(".log")).sorted().forEach(files::add);
      for (Path work : workDirs) {
        try (Stream<Path> all = Files.walk(work)) {
          all.filter(p -> p.endsWith("stderr") || p.endsWith("stdout")).sorted().forEach(files::add);
        }
      }
    } catch (IOException e) {
      return "(logs unreadable: " + e + ")";
    }
    StringBuilder b = new StringBuilder();
    for (Path f : files) {
      try {
        List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
        b.append("==> ").append(f).append(" <==\n");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(x -> b.append(x).append('\n'));
      } catch (IOException e) {
        b.append("==> ").append(f).append(": ").append(e).append('\n');
      }
    }
    return b.toString();
  }
}
