package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LsmSparkVersionTest {
  private static InputStream git(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theVersionNamesTheCommitItWasBuiltFrom() {
    assertEquals("1.2.0 (git 2d258a0)", LsmSparkVersion.describe("1.2.0",
        git("git.commit.id.abbrev=2d258a0\ngit.dirty=false\n")));
    assertEquals("1.2.0 (git 2d258a0+dirty)", LsmSparkVersion.describe("1.2.0",
        git("git.commit.id.abbrev=2d258a0\ngit.dirty=true\n")));
    assertEquals("development build (git 2d258a0)", LsmSparkVersion.describe(null,
        git("git.commit.id.abbrev=2d258a0\n")));
    // built from a source archive: no repository, so no commit
    assertEquals("1.2.0", LsmSparkVersion.describe("1.2.0", null));
    assertEquals("1.2.0", LsmSparkVersion.describe("1.2.0", git("#no repository\n")));
  }

  @Test
  void thisBuildKnowsItsCommit() {
    assumeTrue(Files.isDirectory(Path.of("..", ".git")), "built from a source archive: no commit to know");
    assertTrue(LsmSparkVersion.of().matches(".+ \\(git [0-9a-f]{7,}(\\+dirty)?\\)"), LsmSparkVersion.of());
  }
}
