package org.lsmspark.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes model directories (format v1 and v2) on any Hadoop file system; plain local paths
 * work without a cluster. Reading verifies every file against {@code model.json}; a problem is
 * a {@link ModelFormatException} naming the file.
 */
public final class ModelDirectory {
  private ModelDirectory() {}

  /**
   * Reads the model at {@code location}: a path without a scheme is read with the JDK's file API
   * while no {@code core-site.xml} on the class path could make Hadoop's default file system
   * another one (starting Hadoop's file system costs ~0.7 s of a first load), any other location
   * through Hadoop.
   */
  public static ModelBundle read(String location) {
    if (!hasScheme(location) && siteConfiguration() == null) {
      java.nio.file.Path dir = java.nio.file.Path.of(location);
      return read(name -> java.nio.file.Files.readAllBytes(dir.resolve(name)), name -> dir.resolve(name).toString());
    }
    return read(location, new Configuration());
  }

  public static ModelBundle read(String location, Configuration conf) {
    Path dir = new Path(location);
    FileSystem fs = fileSystem(dir, conf);
    return read(name -> {
      try (InputStream in = fs.open(new Path(dir, name))) {
        return in.readAllBytes();
      }
    }, name -> new Path(dir, name).toString());
  }

  /** The {@code core-site.xml} Hadoop's Configuration would read (it looks where this does), or null. */
  private static java.net.URL siteConfiguration() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return (loader != null ? loader : ModelDirectory.class.getClassLoader()).getResource("core-site.xml");
  }

  /** Whether {@code location} starts with a URI scheme ({@code hdfs:}, {@code s3a:}, {@code file:}...). */
  static boolean hasScheme(String location) {
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
  }

  /** A model directory's files by name. */
  private interface Source {
    /** The file's bytes; {@link FileNotFoundException} or {@link NoSuchFileException} when it does not exist. */
    byte[] readAllBytes(String name) throws IOException;
  }

  private static ModelBundle read(Source files, UnaryOperator<String> pathOf) {
    try {
      ModelJson.Parsed parsed = ModelJson.parse(readFile(files, ModelJson.FILE));
      Map<String, String> listedFiles = parsed.files();
      for (String required : requiredFiles(parsed.config())) {
        if (!listedFiles.containsKey(required)) {
          throw new ModelFormatException(ModelJson.FILE, "files does not list " + required);
        }
      }
      // each file read, verified and parsed on its own (in parallel); the first failure in the
      // listing's order is the one reported, whatever finished first
      List<Map.Entry<String, String>> listed = List.copyOf(listedFiles.entrySet());
      List<Object> read = listed.parallelStream().map(e -> {
        try {
          return readListed(files, e.getKey(), e.getValue());
        } catch (RuntimeException x) {
          return x;
        }
      }).toList();
      List<String> terms = null;
      List<String> vocabulary = null;
      Map<String, Tensor> tensors = new TreeMap<>();
      Map<String, String> kept = new TreeMap<>();
      for (int i = 0; i < listed.size(); i++) {
        Object value = read.get(i);
        if (value instanceof RuntimeException x) {
          throw x;
        }
        String name = listed.get(i).getKey();
        if (value == null) {
          continue; // verified, but not part of the model proper (e.g. a README)
        }
        if (name.equals(WeightFiles.TERMS)) {
          terms = strings(value);
        } else if (name.equals(WeightFiles.VOCAB)) {
          vocabulary = strings(value);
        } else {
          tensors.put(name, (Tensor) value);
        }
        kept.put(name, listed.get(i).getValue());
      }
      return ModelBundle.read(parsed.config(), terms, vocabulary, tensors, kept);
    } catch (ModelFormatException e) {
      throw e.withFile(pathOf.apply(e.file()));
    }
  }

  /** Writes {@code bundle} into {@code location}, {@code model.json} last. Refuses a non-empty directory. */
  public static void write(ModelBundle bundle, String location) {
    write(bundle, location, new Configuration());
  }

  public static void write(ModelBundle bundle, String location, Configuration conf) {
    write(bundle, location, Map.of(), conf);
  }

  /**
   * Also writes {@code unlisted} files (a record of how the model was made, say) that are not part
   * of the model: not listed in {@code model.json}, so not verified or read as the model.
   */
  public static void write(ModelBundle bundle, String location, Map<String, byte[]> unlisted, Configuration conf) {
    Path dir = new Path(location);
    FileSystem fs = fileSystem(dir, conf);
    try {
      if (fs.exists(dir) && fs.listStatus(dir).length > 0) {
        throw new IllegalArgumentException("model directory " + dir + " exists and is not empty");
      }
      Map<String, byte[]> files = bundle.canonicalFiles();
      for (String name : unlisted.keySet()) {
        if (files.containsKey(name) || name.equals(ModelJson.FILE)) {
          throw new IllegalArgumentException(name + " is a file of the model itself");
        }
      }
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        writeFile(fs, new Path(dir, e.getKey()), e.getValue());
      }
      for (Map.Entry<String, byte[]> e : unlisted.entrySet()) {
        writeFile(fs, new Path(dir, e.getKey()), e.getValue());
      }
      writeFile(fs, new Path(dir, ModelJson.FILE), bundle.modelJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A listed file read and checked against its SHA-256: the terms' or the vocabulary's strings,
   * a weight's tensor, or null for a file that is not part of the model.
   */
  private static Object readListed(Source files, String name, String sha256) {
    byte[] bytes = readFile(files, name);
    String actual = Sha256.hex(bytes);
    if (!actual.equals(sha256)) {
      throw new ModelFormatException(name, "SHA-256 " + actual + " does not match " + sha256
          + " listed in model.json (corrupt or modified file)");
    }
    if (name.equals(WeightFiles.TERMS)) {
      return TextLines.lines(bytes, name);
    } else if (name.equals(WeightFiles.VOCAB)) {
      return TextLines.jsonStrings(bytes, name);
    } else if (name.endsWith(WeightFiles.NPY)) {
      return Npy.read(bytes, name);
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return (List<String>) value;
  }

  /** The files every model of this configuration must list. */
  static List<String> requiredFiles(ModelConfig config) {
    List<String> names = new ArrayList<>(List.of(WeightFiles.TERMS, WeightFiles.VOCAB, WeightFiles.IDF,
        WeightFiles.COMPONENTS, WeightFiles.VOCAB_EMBEDDINGS));
    config.weightShapes().keySet().forEach(n -> names.add(n + WeightFiles.NPY));
    return names;
  }

  private static FileSystem fileSystem(Path dir, Configuration conf) {
    try {
      return dir.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("no file system for " + dir + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readFile(Source files, String name) {
    try {
      return files.readAllBytes(name);
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new ModelFormatException(name, "not found");
    } catch (IOException | IllegalArgumentException e) { // Hadoop refuses some paths with IllegalArgumentException
      throw new ModelFormatException(name, "cannot be read: " + e.getMessage(), e);
    }
  }

  private static void writeFile(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(p, false)) {
      out.write(bytes);
    }
  }
}
