package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
  @TempDir Path tmp;

  @Test
  void readsTheGoldenModel() {
    ModelBundle b = Golden.V1.bundle();
    assertEquals("golden-public-7", b.modelId());
    assertEquals(236, b.terms().size());
    assertEquals(958, b.vocabulary().size());
    assertArrayEquals(new int[] {958, 32}, b.tensor(WeightFiles.VOCAB_EMBEDDINGS).shape());
    assertEquals(3, b.config().channels());
  }

  @Test
  void writeThenReadIsExactAndByteStable() throws IOException {
    ModelBundle b = TestModels.builder().build();
    ModelDirectory.write(b, tmp.resolve("a").toString());
    ModelBundle back = ModelDirectory.read(tmp.resolve("a").toString());
    assertEquals(b.fingerprint(), back.fingerprint());
    assertEquals(b.tensors(), back.tensors());
    assertEquals(b.vocabulary(), back.vocabulary());
    ModelDirectory.write(back, tmp.resolve("b").toString());
    for (String f : b.digests().keySet()) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
    }
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a/model.json")), Files.readAllBytes(tmp.resolve("b/model.json")));
  }

  @Test
  void rewritingTheGoldenModelKeepsItsContent() {
    ModelDirectory.write(Golden.V1.bundle(), tmp.resolve("g").toString());
    ModelBundle back = ModelDirectory.read(tmp.resolve("g").toString());
    assertEquals(Golden.V1.bundle().tensors(), back.tensors());
    assertEquals(Golden.V1.bundle().terms(), back.terms());
    assertEquals(Golden.V1.bundle().vocabulary(), back.vocabulary());
  }

  @Test
  void anUnlistedFileIsWrittenBesideTheModelAndIsNotPartOfIt() throws IOException {
    ModelBundle b = TestModels.builder().build();
    Path dir = tmp.resolve("m");
    ModelDirectory.write(b, dir.toString(), Map.of("record.json", "{}".getBytes(StandardCharsets.UTF_8)),
        new Configuration());
    assertEquals("{}", Files.readString(dir.resolve("record.json")));
    assertEquals(b.fingerprint(), ModelDirectory.read(dir.toString()).fingerprint());
    assertTrue(!Files.readString(dir.resolve("model.json")).contains("record.json"), "not listed");
    for (String own : List.of("model.json", WeightFiles.VOCAB)) {
      var e = assertThrows(IllegalArgumentException.class, () -> ModelDirectory.write(b, tmp.resolve(own).toString(),
          Map.of(own, new byte[0]), new Configuration()));
      assertTrue(e.getMessage().contains(own + " is a file of the model itself"), e.getMessage());
      assertTrue(Files.notExists(tmp.resolve(own)), "refused before anything is written");
    }
  }

  @Test
  void refusesToWriteIntoANonEmptyDirectory() throws IOException {
    Files.writeString(tmp.resolve("x"), "x");
    var e = assertThrows(IllegalArgumentException.class, () -> ModelDirectory.write(Golden.V1.bundle(), tmp.toString()));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
  }

  @Test
  void corruptChecksumNamesTheFile() throws IOException {
    Path dir = copyGolden();
    Path f = dir.resolve("cnn/conv1.kernel.npy");
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length - 3] ^= 0x10;
    Files.write(f, bytes);
    ModelFormatException e = refused(dir);
    assertEquals(dir.resolve("cnn/conv1.kernel.npy").toString(), e.file());
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void withEveryFileCorruptTheFirstListedIsNamedEveryTime() throws IOException {
    // the files are read in parallel: the one reported must not be whichever failed first
    Path dir = copyGolden();
    ModelJson.Parsed parsed = ModelJson.parse(Files.readAllBytes(dir.resolve(ModelJson.FILE)));
    for (String name : parsed.files().keySet()) {
      Path f = dir.resolve(name);
      byte[] bytes = Files.readAllBytes(f);
      bytes[bytes.length - 1] ^= 0x01;
      Files.write(f, bytes);
    }
    String first = parsed.files().keySet().iterator().next();
    for (int i = 0; i < 10; i++) {
      assertEquals(dir.resolve(first).toString(), refused(dir).file());
    }
  }

  @Test
  void truncatedNpyNamesTheFile() throws IOException {
    Path dir = copyGolden();
    Path f = dir.resolve("reservoir/layer1.bias.npy");
    byte[] bytes = Files.readAllBytes(f);
    rewrite(dir, "reservoir/layer1.bias.npy", Arrays.copyOf(bytes, bytes.length - 8));
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().startsWith(dir.resolve("reservoir/layer1.bias.npy").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void oversizedNpyNamesTheFile() throws IOException {
    Path dir = copyGolden();
    byte[] bytes = Files.readAllBytes(dir.resolve("cnn/output.bias.npy"));
    rewrite(dir, "cnn/output.bias.npy", Arrays.copyOf(bytes, bytes.length + 4));
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().contains("output.bias.npy") && e.getMessage().contains("oversized"), e.getMessage());
  }

  @Test
  void missingFileNamesTheFile() throws IOException {
    Path dir = copyGolden();
    Files.delete(dir.resolve("tokenizer/idf.npy"));
    ModelFormatException e = refused(dir);
    assertEquals(dir.resolve("tokenizer/idf.npy").toString(), e.file());
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void fileMissingFromTheListIsNamed() throws IOException {
    Path dir = copyGolden();
    String json = Files.readString(dir.resolve("model.json"))
        .replaceAll("\\s*\"cnn/conv0.bias.npy\": \"[0-9a-f]+\",", "");
    Files.writeString(dir.resolve("model.json"), json);
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains("cnn/conv0.bias.npy"), e.getMessage());
  }

  @Test
  void wrongShapeNamesTheFile() throws IOException {
    Path dir = copyGolden();
    rewrite(dir, "cnn/dense1.bias.npy", Npy.write(Tensor.of(new float[7], 7)));
    ModelFormatException e = refused(dir);
    assertEquals(dir.resolve("cnn/dense1.bias.npy").toString(), e.file());
    assertTrue(e.getMessage().contains("shape [7], expected [128]"), e.getMessage());
  }

  @Test
  void notFloat32NamesTheFile() throws IOException {
    Path dir = copyGolden();
    byte[] bytes = Files.readAllBytes(dir.resolve("cnn/output.bias.npy"));
    String header = new String(bytes, 0, 128, StandardCharsets.ISO_8859_1).replace("<f4", ">f4");
    System.arraycopy(header.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, 128);
    rewrite(dir, "cnn/output.bias.npy", bytes);
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().contains("output.bias.npy") && e.getMessage().contains("little-endian float32"), e.getMessage());
  }

  @Test
  void nonFiniteWeightNamesTheFile() throws IOException {
    Path dir = copyGolden();
    float[] v = new float[128];
    v[5] = Float.NaN;
    rewrite(dir, "cnn/dense1.bias.npy", Npy.write(Tensor.of(v, 128)));
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().contains("dense1.bias.npy") && e.getMessage().contains("not finite"), e.getMessage());
  }

  @Test
  void unknownVersionIsRefused() throws IOException {
    Path dir = copyGolden();
    Path json = dir.resolve("model.json");
    Files.writeString(json, Files.readString(json).replace("\"format_version\": 1", "\"format_version\": 3"));
    ModelFormatException e = refused(dir);
    assertEquals(json.toString(), e.file());
    assertTrue(e.getMessage().contains("format_version 3 is not supported"), e.getMessage());
  }

  @Test
  void modelJsonThatIsNotJsonIsRefused() throws IOException {
    Path dir = copyGolden();
    Files.writeString(dir.resolve("model.json"), "{not json");
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().contains("model.json: not valid JSON"), e.getMessage());
  }

  @Test
  void badConfigValueNamesTheKey() throws IOException {
    Path dir = copyGolden();
    Path json = dir.resolve("model.json");
    Files.writeString(json, Files.readString(json).replace("\"window_size\": 10", "\"window_size\": \"ten\""));
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().contains("window_size must be an integer"), e.getMessage());
  }

  @Test
  void missingDirectoryIsRefused() {
    ModelFormatException e = refused(tmp.resolve("nothing-here"));
    assertTrue(e.getMessage().contains("model.json: not found"), e.getMessage());
  }

  @Test
  void kryoRoundTripIsExact() {
    for (ModelBundle b : new ModelBundle[] {Golden.V1.bundle(), TestModels.builder().attention(false).build()}) {
      byte[] bytes = b.toBytes();
      ModelBundle back = ModelBundle.fromBytes(bytes);
      assertEquals(b.fingerprint(), back.fingerprint());
      assertEquals(b.config(), back.config());
      assertEquals(b.terms(), back.terms());
      assertEquals(b.vocabulary(), back.vocabulary());
      assertEquals(b.tensors(), back.tensors());
      assertArrayEquals(bytes, back.toBytes());
    }
  }

  @Test
  void kryoBytesAreCompact() {
    ModelBundle b = Golden.V1.bundle();
    long raw = b.tensors().values().stream().mapToLong(t -> 4L * t.size()).sum();
    assertTrue(b.toBytes().length < raw + 64 * 1024, "bundle " + b.toBytes().length + " bytes for " + raw + " bytes of floats");
  }

  @Test
  void corruptBundleBytesAreRefused() {
    byte[] bytes = Golden.V1.bundle().toBytes();
    assertThrows(ModelFormatException.class, () -> ModelBundle.fromBytes(Arrays.copyOf(bytes, bytes.length / 2)));
    bytes[0] ^= 1;
    assertThrows(ModelFormatException.class, () -> ModelBundle.fromBytes(bytes));
  }

  @Test
  void fingerprintChangesWithAnyWeight() {
    ModelBundle a = TestModels.builder().seed(1).build();
    ModelBundle b = TestModels.builder().seed(2).build();
    assertNotEquals(a.fingerprint(), b.fingerprint());
    assertEquals(a.fingerprint(), TestModels.builder().seed(1).build().fingerprint());
  }

  @Test
  void aPathReadDirectlyAndAFileUriReadThroughHadoopGiveTheSameModelAndErrors() throws IOException {
    Path dir = copyGolden();
    ModelBundle direct = ModelDirectory.read(dir.toString());
    ModelBundle viaHadoop = ModelDirectory.read(dir.toUri().toString());
    assertEquals(direct.fingerprint(), viaHadoop.fingerprint());
    assertEquals(direct.tensors(), viaHadoop.tensors());
    assertEquals(direct.terms(), viaHadoop.terms());
    assertEquals(direct.vocabulary(), viaHadoop.vocabulary());
    Files.delete(dir.resolve("tokenizer/idf.npy"));
    for (String location : new String[] {dir.toString(), dir.toUri().toString()}) {
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelDirectory.read(location));
      assertTrue(e.file().endsWith(dir.resolve("tokenizer/idf.npy").toString()), e.file());
      assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }
  }

  @Test
  void onlyLocationsWithAUriSchemeGoThroughHadoop() {
    for (String s : new String[] {"hdfs://nn:8020/models/m", "s3a://bucket/m", "file:/tmp/m", "file:///tmp/m",
        "abfss://c@a.dfs.core.windows.net/m"}) {
      assertTrue(ModelDirectory.hasScheme(s), s);
    }
    for (String s : new String[] {"/tmp/m", "models/m", "m", "./a:b", "/tmp/a:b", "1x:/m"}) {
      assertTrue(!ModelDirectory.hasScheme(s), s);
    }
  }

  @Test
  void theFirstLineOfTheVocabularyThatIsNotAJsonStringIsNamed() throws IOException {
    Path dir = copyGolden();
    Path vocab = dir.resolve(WeightFiles.VOCAB);
    java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(vocab, StandardCharsets.UTF_8));
    lines.set(899, "not json");
    lines.set(2, "\"two\" \"strings\"");
    rewrite(dir, WeightFiles.VOCAB, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    ModelFormatException e = refused(dir);
    assertTrue(e.getMessage().endsWith("line 3 is not a JSON string"), e.getMessage());
    lines.set(2, "\"a raw\ttab\"");
    rewrite(dir, WeightFiles.VOCAB, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    e = refused(dir);
    assertTrue(e.getMessage().endsWith("line 3 is not valid JSON"), e.getMessage());
  }

  private ModelFormatException refused(Path dir) {
    return assertThrows(ModelFormatException.class, () -> ModelDirectory.read(dir.toString()));
  }

  /** Replaces a file and updates its digest in model.json, so only the content is wrong. */
  private static void rewrite(Path dir, String name, byte[] bytes) throws IOException {
    Path json = dir.resolve("model.json");
    String old = Sha256.hex(Files.readAllBytes(dir.resolve(name)));
    Files.write(dir.resolve(name), bytes);
    Files.writeString(json, Files.readString(json).replace(old, Sha256.hex(bytes)));
  }

  private Path copyGolden() throws IOException {
    Path src = Golden.V1.modelDir();
    Path dst = tmp.resolve("model");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return dst;
  }
}
