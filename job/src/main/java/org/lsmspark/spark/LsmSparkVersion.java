package org.lsmspark.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of lsm-spark that runs: the jar's {@code Implementation-Version} and the commit
 * the build came from ({@code org/lsmspark/git.properties}, written by the build), e.g.
 * {@code 0.1.0-SNAPSHOT (git 2d258a0)}, {@code +dirty} when the tree had uncommitted changes.
 * Run manifests and training records carry it, so rows and models say what made them.
 */
public final class LsmSparkVersion {
  private static final String VERSION = describe(LsmSparkVersion.class.getPackage().getImplementationVersion(),
      LsmSparkVersion.class.getResourceAsStream("/org/lsmspark/git.properties"));

  private LsmSparkVersion() {}

  public static String of() {
    return VERSION;
  }

  static String describe(String implementationVersion, InputStream gitProperties) {
    String version = implementationVersion == null ? "development build" : implementationVersion;
    if (gitProperties == null) {
      return version;
    }
    Properties git = new Properties();
    try (InputStream in = gitProperties) {
      git.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build's git.properties", e);
    }
    String commit = git.getProperty("git.commit.id.abbrev", "");
    if (commit.isEmpty()) {
      return version;
    }
    return version + " (git " + commit + ("true".equals(git.getProperty("git.dirty")) ? "+dirty" : "") + ")";
  }
}
