package org.lsmspark.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The golden-v1 fixture on the test classpath (a copy of shared/fixtures/golden-v1). */
public final class Golden {
  private static ModelBundle bundle;

  private Golden() {}

  public static Path dir() {
    try {
      return Path.of(Golden.class.getResource("/golden-v1/model/model.json").toURI()).getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path modelDir() {
    return dir().resolve("model");
  }

  public static synchronized ModelBundle bundle() {
    if (bundle == null) {
      bundle = ModelDirectory.read(modelDir().toString());
    }
    return bundle;
  }

  /** A float32 .npy file of the fixture, e.g. {@code debug/waveforms.npy}. */
  public static Tensor npy(String relative) {
    try {
      return Npy.read(Files.readAllBytes(dir().resolve(relative)), relative);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
