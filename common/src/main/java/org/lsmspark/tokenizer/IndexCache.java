package org.lsmspark.tokenizer;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.lsmspark.model.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The factored preselection's arrays kept on local disk between runs: building them re-analyses
 * every vocabulary turn and merges term pairs (1.5–1.8 s of the full-size model's 3.4 s load on two
 * cores), reading them back about 0.15 s. A file is named after the model's fingerprint and a
 * digest of lsm-spark's classes, so another model or another build never reads it; a CRC-32C
 * covers its bytes. An unreadable, corrupt or foreign file is rebuilt and replaced;
 * a directory that cannot be written leaves the build as it was. Files are written to a
 * temporary name and renamed, so concurrent runs never read half a file. The directory keeps the
 * {@link #KEPT} most recently used files.
 */
final class IndexCache {
  private static final Logger LOG = LoggerFactory.getLogger(VocabularyIndex.class);
  /** System property naming the directory; unset, empty or "off": no cache. */
  static final String PROPERTY = "lsm.index.cache";
  static final String SUFFIX = ".factored";
  static final int KEPT = 16;
  private static final String OWN_CLASSES = "org/lsmspark/";
  private static final byte[] MAGIC = "LSMFACT1".getBytes(StandardCharsets.US_ASCII);
  /** Empty when the code cannot be digested: the cache is then off. */
  private static final Lazy<String> CODE = new Lazy<>(IndexCache::codeDigest);

  private final Path dir; // null: off

  /** Factored scores and the cache file they were read from (null: built in this call). */
  record Entry(FactoredScores scores, Path readFrom) {
    /** Where the scores came from, for the load's log line. */
    String origin() {
      return readFrom == null ? "built" : "read from the index cache " + readFrom;
    }
  }

  IndexCache(Path dir) {
    this.dir = dir;
  }

  /**
   * The cache a setting names: a folder; empty or "off" for none; null for what system property
   * {@link #PROPERTY} says (unset: none).
   */
  static IndexCache of(String setting) {
    String v = (setting != null ? setting : System.getProperty(PROPERTY, "")).trim();
    return new IndexCache(v.isEmpty() || v.equalsIgnoreCase("off") ? null : Path.of(v));
  }

  /**
   * The factored scores of model {@code modelKey} over {@code vectors} distinct vectors: read
   * from the cache if a file of this model and build is there and intact, else built and stored.
   * A null key (a model without a fingerprint) always builds.
   */
  Entry factored(String modelKey, int vectors, int dim, float[] idf, Supplier<FactoredScores> build) {
    if (dir == null || modelKey == null || CODE.get().isEmpty()) {
      return new Entry(build.get(), null);
    }
    String key = modelKey + "/" + CODE.get();
    Path file = dir.resolve(Sha256.hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32) + SUFFIX);
    if (Files.isRegularFile(file)) {
      try {
        FactoredScores f = decode(Files.readAllBytes(file), key, vectors, dim, idf);
        touch(file);
        return new Entry(f, file);
      } catch (IOException | RuntimeException e) {
        LOG.warn("index cache file {} not used ({}): rebuilding it", file, e.getMessage());
      }
    }
    FactoredScores f = build.get();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "write-", ".part");
      try {
        Files.write(tmp, encode(f, key));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      evictBeyond(KEPT);
    } catch (IOException | RuntimeException e) {
      LOG.warn("index cache {} not written ({}): the next load builds the preselection again", dir, e.getMessage());
    }
    return new Entry(f, null);
  }

  /** Deletes all but the {@code kept} most recently used cache files. */
  void evictBeyond(int kept) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
          .sorted(Comparator.comparing(IndexCache::lastModified).reversed()).toList();
    }
    for (Path p : files.subList(Math.min(kept, files.size()), files.size())) {
      Files.deleteIfExists(p);
    }
  }

  static byte[] encode(FactoredScores f, String key) {
    TermPairs t = f.termPairs();
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int ints = 6 + t.rowStart.length + t.columns.length + 2 * t.left.length + 2 * f.vectors;
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + k.length + 4 * ints + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(k.length).put(k);
    b.putInt(f.dim).putInt(f.features).putInt(f.vectors).putInt(t.left.length).putInt(t.columns.length)
        .putInt(t.rowStart.length);
    b.asIntBuffer().put(t.rowStart).put(t.columns).put(t.left).put(t.right);
    b.position(b.position() + 4 * (t.rowStart.length + t.columns.length + 2 * t.left.length));
    b.asFloatBuffer().put(f.scales()).put(f.bounds());
    b.position(b.position() + 8 * f.vectors);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The scores in {@code bytes}, checked against the key, the checksum and the model's shapes. */
  static FactoredScores decode(byte[] bytes, String key, int vectors, int dim, float[] idf) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < MAGIC.length + 8) {
      throw new IllegalArgumentException("truncated");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
      throw new IllegalArgumentException("checksum mismatch");
    }
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    byte[] k = new byte[b.getInt()];
    b.get(k);
    if (!java.util.Arrays.equals(magic, MAGIC) || !new String(k, StandardCharsets.UTF_8).equals(key)) {
      throw new IllegalArgumentException("written for another model or build");
    }
    int fileDim = b.getInt();
    int features = b.getInt();
    int fileVectors = b.getInt();
    int pairs = b.getInt();
    int nonZeros = b.getInt();
    int starts = b.getInt();
    if (fileDim != dim || features != idf.length || fileVectors != vectors || starts != vectors + 1) {
      throw new IllegalArgumentException("shapes differ from the model's");
    }
    int[] rowStart = ints(b, starts);
    int[] columns = ints(b, nonZeros);
    int[] left = ints(b, pairs);
    int[] right = ints(b, pairs);
    float[] scales = floats(b, vectors);
    float[] bounds = floats(b, vectors);
    return FactoredScores.of(dim, features, idf, TermPairs.of(rowStart, columns, left, right, features), scales,
        bounds);
  }

  private static int[] ints(ByteBuffer b, int n) {
    int[] a = new int[n];
    b.asIntBuffer().get(a);
    b.position(b.position() + 4 * n);
    return a;
  }

  private static float[] floats(ByteBuffer b, int n) {
    float[] a = new float[n];
    b.asFloatBuffer().get(a);
    b.position(b.position() + 4 * n);
    return a;
  }

  /** Marks a file most recently used; a cache that cannot be written is still read. */
  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // eviction then goes by when it was written
    }
  }

  private static FileTime lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /**
   * A digest of lsm-spark's own classes in the jar (their names and CRCs, from its directory: a
   * shaded jar of 200 MB costs no more) or the class folder this class was loaded from.
   */
  private static String codeDigest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Path code = Path.of(IndexCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(code)) {
        try (JarFile jar = new JarFile(code.toFile())) {
          for (JarEntry e : jar.stream().filter(e -> e.getName().startsWith(OWN_CLASSES))
              .sorted(Comparator.comparing(JarEntry::getName)).toList()) {
            md.update((e.getName() + " " + e.getCrc() + " " + e.getSize() + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      } else {
        Path own = code.resolve(OWN_CLASSES);
        try (Stream<Path> s = Files.walk(own)) {
          for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
            md.update(own.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
            md.update(Files.readAllBytes(p));
          }
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | URISyntaxException | NoSuchAlgorithmException | RuntimeException e) {
      LOG.warn("index cache off: cannot digest the code that builds the decode's index ({})", e.toString());
      return "";
    }
  }
}
