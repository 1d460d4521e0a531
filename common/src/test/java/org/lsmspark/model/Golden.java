package org.lsmspark.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A golden fixture on the test classpath (copies of shared/fixtures/golden-v1 and golden-v2). */
public final class Golden {
  /** Format v1: rolling, reservoir channels only, global average. */
  public static final Golden V1 = new Golden("golden-v1");
  /** Format v2: stacked, input channel, flatten, attention, W 8, D 32. */
  public static final Golden V2 = new Golden("golden-v2");

  private final String name;
  private ModelBundle bundle;

  private Golden(String name) {
    this.name = name;
  }

  public Path dir() {
    try {
      return Path.of(Golden.class.getResource("/" + name + "/model/model.json").toURI()).getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path modelDir() {
    return dir().resolve("model");
  }

  public synchronized ModelBundle bundle() {
    if (bundle == null) {
      bundle = ModelDirectory.read(modelDir().toString());
    }
    return bundle;
  }

  /** A float32 .npy file of the fixture, e.g. {@code debug/waveforms.npy}. */
  public Tensor npy(String relative) {
    try {
      return Npy.read(Files.readAllBytes(dir().resolve(relative)), relative);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
