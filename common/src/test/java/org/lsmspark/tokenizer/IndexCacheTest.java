package org.lsmspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junitpioneer.jupiter.RestoreSystemProperties;

/**
 * A cached index must be the built one array for array (a read that shifted, truncated or
 * swapped an array, or lost the pairs, fails {@link #sameScores}); a file of another model, a
 * corrupt one or one of other shapes must be rebuilt, not used; a directory that cannot be
 * written must not stop a load; and {@link VocabularyIndex} must decode the same through it.
 */
class IndexCacheTest {
  @TempDir
  Path dir;

  private final FactoredPreselectionTest.Model model =
      FactoredPreselectionTest.model(new Random(7), 600, 0, 24, 80);
  private final int[] rows = nonzeroRows(model);

  @Test
  void aStoredIndexIsReadBackArrayForArray() {
    IndexCache cache = new IndexCache(dir);
    AtomicInteger builds = new AtomicInteger();
    IndexCache.Entry first = factored(cache, "model-a", builds);
    assertNull(first.readFrom());
    assertTrue(first.scores().pairs() > 0, "the model merges no pairs: the test would not cover them");
    IndexCache.Entry second = factored(cache, "model-a", builds);
    assertNotNull(second.readFrom(), "not read from the cache");
    assertEquals(1, builds.get());
    sameScores(first.scores(), second.scores());
  }

  @Test
  void anotherModelACorruptFileOrOtherShapesAreRebuilt() throws IOException {
    IndexCache cache = new IndexCache(dir);
    AtomicInteger builds = new AtomicInteger();
    FactoredScores built = factored(cache, "model-a", builds).scores();
    assertNull(factored(cache, "model-b", builds).readFrom());
    assertEquals(2, builds.get());

    for (Path p : files()) { // a bit flipped in each
      byte[] bytes = Files.readAllBytes(p);
      bytes[bytes.length / 2] ^= 0x10;
      Files.write(p, bytes);
    }
    IndexCache.Entry rebuilt = factored(cache, "model-a", builds);
    assertNull(rebuilt.readFrom(), "a corrupt file was read");
    sameScores(built, rebuilt.scores());
    assertNotNull(factored(cache, "model-a", builds).readFrom(), "the corrupt file was not replaced");

    byte[] good = IndexCache.encode(built, "k");
    assertThrows(IllegalArgumentException.class, () -> IndexCache.decode(good, "k", rows.length + 1, model.dim(),
        model.idf()));
    assertThrows(IllegalArgumentException.class, () -> IndexCache.decode(good, "other", rows.length, model.dim(),
        model.idf()));
    assertThrows(IllegalArgumentException.class, () -> IndexCache.decode(java.util.Arrays.copyOf(good, 40), "k",
        rows.length, model.dim(), model.idf()));
    sameScores(built, IndexCache.decode(good, "k", rows.length, model.dim(), model.idf()));
  }

  @Test
  void anUnwritableDirectoryOrNoDirectoryStillBuilds() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    AtomicInteger builds = new AtomicInteger();
    for (IndexCache cache : List.of(new IndexCache(notADirectory.resolve("index")), new IndexCache(null))) {
      assertNull(factored(cache, "model-a", builds).readFrom());
      assertNull(factored(cache, "model-a", builds).readFrom());
    }
    assertEquals(4, builds.get());
    assertNull(factored(new IndexCache(dir), null, builds).readFrom(), "a model without a key was cached");
    assertEquals(List.of(), files());
  }

  @Test
  void keepsTheMostRecentlyUsedFilesOnly() throws IOException {
    for (int i = 0; i < 5; i++) {
      Path p = Files.writeString(dir.resolve("f" + i + IndexCache.SUFFIX), "x");
      Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    Path other = Files.writeString(dir.resolve("notes.txt"), "x");
    new IndexCache(dir).evictBeyond(2);
    assertEquals(List.of(dir.resolve("f3" + IndexCache.SUFFIX), dir.resolve("f4" + IndexCache.SUFFIX)), files());
    assertTrue(Files.exists(other), "a file that is not the cache's was deleted");
  }

  /** A named folder wins over the system property, "off" keeps nothing, and no setting falls back to the property. */
  @Test
  @RestoreSystemProperties
  void aSettingWinsOverTheSystemPropertyAndOffKeepsNone() throws IOException {
    Path fromProperty = Files.createDirectory(dir.resolve("property"));
    Path named = Files.createDirectory(dir.resolve("named"));
    System.setProperty(IndexCache.PROPERTY, fromProperty.toString());
    AtomicInteger builds = new AtomicInteger();
    assertNull(factored(IndexCache.of(named.toString()), "model-a", builds).readFrom());
    assertNotNull(factored(IndexCache.of(" " + named + " "), "model-a", builds).readFrom(), "read back");
    assertEquals(List.of(), files(fromProperty));
    assertEquals(1, files(named).size());

    assertNull(factored(IndexCache.of("off"), "model-b", builds).readFrom());
    assertNull(factored(IndexCache.of("OFF"), "model-b", builds).readFrom());
    assertNull(factored(IndexCache.of(""), "model-b", builds).readFrom());
    assertEquals(4, builds.get(), "off must build every time");
    assertEquals(List.of(), files(fromProperty));

    assertNull(factored(IndexCache.of(null), "model-c", builds).readFrom());
    assertEquals(1, files(fromProperty).size(), "no setting: the property's folder");
    assertEquals(1, files(named).size());
  }

  @Test
  @RestoreSystemProperties
  void theIndexDecodesTheSameThroughTheCache() throws IOException {
    System.setProperty(IndexCache.PROPERTY, dir.toString());
    float[][] queries = new float[20][model.dim()];
    Random rng = new Random(3);
    for (float[] q : queries) {
      for (int d = 0; d < q.length; d++) {
        q[d] = (float) rng.nextGaussian();
      }
    }
    VocabularyIndex.Hit[][] expected = keyed(null).topK(queries, 5);
    assertEquals(List.of(), files());
    for (int run = 0; run < 2; run++) { // the first builds and writes, the second reads
      VocabularyIndex.Hit[][] got = keyed("model-a").topK(queries, 5);
      assertEquals(1, files().size());
      for (int i = 0; i < queries.length; i++) {
        assertArrayEquals(expected[i], got[i], "run " + run + ", query " + i);
      }
    }
  }

  private VocabularyIndex keyed(String key) {
    FactoredPreselectionTest.Model m = model;
    return new VocabularyIndex(m.values(), m.size(), m.dim(), VocabularyIndex.DEFAULT_BLOCK_ROWS,
        new VocabularyIndex.Factors(m.components(), m.features(), m.idf(), r -> m.counts()[r], key, IndexCache.of(null)),
        VocabularyIndex.Preselect.FACTORED);
  }

  private IndexCache.Entry factored(IndexCache cache, String key, AtomicInteger builds) {
    Supplier<FactoredScores> build = () -> {
      builds.incrementAndGet();
      return FactoredScores.build(model.values(), norms(model), rows, new VocabularyIndex.Factors(model.components(),
          model.features(), model.idf(), r -> model.counts()[r]), model.dim());
    };
    return cache.factored(key, rows.length, model.dim(), model.idf(), build);
  }

  private static void sameScores(FactoredScores a, FactoredScores b) {
    assertEquals(a.vectors, b.vectors);
    assertEquals(a.columns, b.columns);
    assertEquals(a.pairs(), b.pairs());
    for (int p = 0; p < a.pairs(); p++) {
      assertArrayEquals(a.pair(p), b.pair(p), "pair " + p);
    }
    for (int g = 0; g < a.vectors; g++) {
      assertArrayEquals(a.row(g), b.row(g), "vector " + g);
    }
    assertArrayEquals(a.bounds(), b.bounds());
    assertArrayEquals(a.scales(), b.scales());
  }

  private List<Path> files() throws IOException {
    return files(dir);
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(IndexCache.SUFFIX)).sorted().toList();
    }
  }

  private static double[] norms(FactoredPreselectionTest.Model m) {
    double[] norms = new double[m.size()];
    for (int r = 0; r < m.size(); r++) {
      double s = 0;
      for (int d = 0; d < m.dim(); d++) {
        s += (double) m.values()[r * m.dim() + d] * m.values()[r * m.dim() + d];
      }
      norms[r] = Math.sqrt(s);
    }
    return norms;
  }

  private static int[] nonzeroRows(FactoredPreselectionTest.Model m) {
    double[] norms = norms(m);
    return java.util.stream.IntStream.range(0, m.size()).filter(r -> norms[r] > 0).toArray();
  }
}
