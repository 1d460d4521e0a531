package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;

class ShippedModelTest {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));

  @Test
  void aLocalMasterSharesTheDriversBundleAndAClusterGetsItsBytes() {
    SparkContext sc = SparkTestSession.get().sparkContext();
    assertTrue(sc.isLocal());
    ModelBundle bundle = ModelDirectory.read(GOLDEN.resolve("model").toString());

    ShippedModel local = ShippedModel.ship(sc, bundle);
    assertFalse(local.isBroadcast(), "nothing to broadcast to executors in this JVM");
    assertEquals(0, local.broadcastBytes());
    assertSame(bundle, local.bundle(), "the executors use the driver's bundle itself");
    assertSame(bundle, roundTrip(local).bundle(), "a task's copy finds the driver's bundle");

    ShippedModel sent = ShippedModel.broadcast(sc, bundle);
    assertTrue(sent.isBroadcast());
    assertEquals(bundle.toBytes().length, sent.broadcastBytes());
    ModelBundle received = sent.bundle();
    assertNotSame(bundle, received);
    assertEquals(bundle.fingerprint(), received.fingerprint());
    assertEquals(bundle.vocabulary(), received.vocabulary());
  }

  @Test
  void aLocalShipmentNoLongerHeldLetsItsModelGo(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("model"); // a model of its own: no other test holds its fingerprint
    try (var files = Files.walk(GOLDEN.resolve("model"))) {
      for (Path p : files.toList()) {
        Files.copy(p, model.resolve(GOLDEN.resolve("model").relativize(p).toString()));
      }
    }
    Path json = model.resolve("model.json");
    Files.writeString(json, Files.readString(json).replace("\"model_id\": \"", "\"model_id\": \"weak-"));
    ShippedModel task = shipAndDrop(model);
    WeakReference<ModelBundle> held = new WeakReference<>(task.bundle());
    for (int i = 0; i < 100 && held.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertNull(held.get(), "the model is still held after its shipment was dropped");
    assertThrows(IllegalStateException.class, task::bundle);
  }

  /** A task's copy of a local shipment of the model in {@code dir}, the driver's shipment dropped. */
  private static ShippedModel shipAndDrop(Path dir) throws Exception {
    ShippedModel driver = ShippedModel.ship(SparkTestSession.get().sparkContext(), ModelDirectory.read(dir.toString()));
    return roundTrip(driver);
  }

  private static ShippedModel roundTrip(ShippedModel m) {
    try {
      var bytes = new ByteArrayOutputStream();
      try (var out = new ObjectOutputStream(bytes)) {
        out.writeObject(m);
      }
      try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (ShippedModel) in.readObject();
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
