package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
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

    ShippedModel sent = ShippedModel.broadcast(sc, bundle);
    assertTrue(sent.isBroadcast());
    assertEquals(bundle.toBytes().length, sent.broadcastBytes());
    ModelBundle received = sent.bundle();
    assertNotSame(bundle, received);
    assertEquals(bundle.fingerprint(), received.fingerprint());
    assertEquals(bundle.vocabulary(), received.vocabulary());
  }
}
