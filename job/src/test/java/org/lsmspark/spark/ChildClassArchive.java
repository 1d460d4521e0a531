package org.lsmspark.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A class-data-sharing archive (the JDK's dynamic AppCDS) of what an {@code lsm score} child
 * loads. A child's CPU is mostly start-up, loading and verifying Spark's, Delta's and Iceberg's
 * classes, and the fault tests start dozens of children: from the archive each starts with about
 * a quarter less CPU. The first child allowed to end normally writes it while exiting (a killed
 * one would write nothing); children started before run without it, as do those of a JVM the
 * archive does not match (the JDK then ignores it). One archive per classpath, shared by the
 * test JVMs of the build. The JDK archives classes from jars only, so the children's classpath
 * has each class folder packed into a jar.
 */
final class ChildClassArchive {
  private static final Path DIR = Path.of(System.getProperty("lsm.child.cds.dir", "target"));
  private static final long STALE_MS = 15 * 60_000;
  private final String classpath;
  private final Path archive;
  private final Path claim;

  private ChildClassArchive(String classpath) {
    this.classpath = classpath;
    String key = Integer.toHexString(stamp(classpath).hashCode());
    this.archive = DIR.resolve("child-cds-" + key + ".jsa");
    this.claim = DIR.resolve("child-cds-" + key + ".writing");
  }

  /** The archive of {@code classpath} with its class folders packed into jars. */
  static ChildClassArchive forClasspath(String classpath) {
    List<String> entries = new ArrayList<>();
    for (String e : classpath.split(File.pathSeparator)) {
      entries.add(Files.isDirectory(Path.of(e)) ? jar(Path.of(e)).toString() : e);
    }
    return new ChildClassArchive(String.join(File.pathSeparator, entries));
  }

  /** The children's classpath: jars only. */
  String classpath() {
    return classpath;
  }

  /** {@code folder} packed into a jar named after its files and their times; written beside, then renamed. */
  private static Path jar(Path folder) {
    try {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(folder)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      StringBuilder stamp = new StringBuilder(folder.toString());
      for (Path f : files) {
        stamp.append('|').append(folder.relativize(f)).append(':').append(Files.getLastModifiedTime(f).toMillis());
      }
      Path jar = DIR.resolve("child-jars").resolve(folder.getParent().getParent().getFileName() + "-"
          + folder.getFileName() + "-" + Integer.toHexString(stamp.toString().hashCode()) + ".jar");
      if (Files.exists(jar)) {
        return jar;
      }
      Files.createDirectories(jar.getParent());
      Path tmp = Files.createTempFile(jar.getParent(), "packing", ".jar");
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
        for (Path f : files) {
          JarEntry entry = new JarEntry(folder.relativize(f).toString().replace(File.separatorChar, '/'));
          entry.setTime(Files.getLastModifiedTime(f).toMillis());
          out.putNextEntry(entry);
          Files.copy(f, out);
          out.closeEntry();
        }
      }
      Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Each entry with its size and time: a rebuilt jar makes another archive, not a stale one. */
  private static String stamp(String classpath) {
    StringBuilder s = new StringBuilder(System.getProperty("java.home")).append('|');
    for (String e : classpath.split(File.pathSeparator)) {
      File f = new File(e);
      s.append(e).append(':').append(f.length()).append(':').append(f.lastModified()).append('|');
    }
    return s.toString();
  }

  /**
   * The JVM options of a new child: read the archive if it exists; else, if {@code mayWrite} (the
   * child is meant to end normally) and no other child is writing it, write it at exit.
   */
  List<String> options(boolean mayWrite) {
    if (Files.exists(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive);
    }
    if (mayWrite && claim()) {
      return List.of("-XX:ArchiveClassesAtExit=" + claim);
    }
    return List.of();
  }

  /** After the writing child ended: the archive appears whole (renamed), or the claim is released. */
  void written(List<String> options, boolean exitedNormally) {
    if (!options.contains("-XX:ArchiveClassesAtExit=" + claim) || !Files.exists(claim)) {
      return; // not the writer, or already handled (a child's end may be reported twice)
    }
    try {
      if (exitedNormally && Files.size(claim) > 0) {
        Files.move(claim, archive, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.deleteIfExists(claim);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean claim() {
    try {
      Files.createDirectories(DIR);
      if (Files.exists(claim) && Files.getLastModifiedTime(claim).toMillis() < System.currentTimeMillis() - STALE_MS) {
        Files.deleteIfExists(claim); // left by a build that was stopped while a child wrote it
      }
      Files.createFile(claim); // atomic: one writer among the build's test JVMs
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
