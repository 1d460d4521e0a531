package org.lsmspark.spark;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.lsmspark.model.ModelBundle;

/**
 * How the driver's model reaches the executors: its bytes broadcast, or, when the executors run
 * in the driver's JVM (a local master), the driver's bundle itself, which is immutable. The
 * second saves serializing, broadcasting and deserializing a model (96 MiB for the full-size one)
 * that is already in memory.
 */
final class ShippedModel implements Serializable {
  private static final long serialVersionUID = 1L;
  /**
   * Bundles shipped in local mode, by fingerprint: one per model, held while a shipment on the
   * driver holds it (a notebook that scores with model after model does not keep them all).
   */
  private static final Cache<String, ModelBundle> IN_THIS_JVM = Caffeine.newBuilder().weakValues().build();

  private final String fingerprint;
  private final Broadcast<byte[]> bytes; // null: in this JVM
  /** The driver's hold on a bundle shipped in this JVM; tasks' copies find it by fingerprint. */
  private final transient ModelBundle local;

  private ShippedModel(String fingerprint, Broadcast<byte[]> bytes, ModelBundle local) {
    this.fingerprint = fingerprint;
    this.bytes = bytes;
    this.local = local;
  }

  /** Ships {@code bundle} to the executors of {@code sc}. */
  static ShippedModel ship(SparkContext sc, ModelBundle bundle) {
    if (sc.isLocal()) {
      return new ShippedModel(bundle.fingerprint(), null, IN_THIS_JVM.get(bundle.fingerprint(), k -> bundle));
    }
    return broadcast(sc, bundle);
  }

  /** Ships {@code bundle} as broadcast bytes, whatever the master. */
  static ShippedModel broadcast(SparkContext sc, ModelBundle bundle) {
    return new ShippedModel(bundle.fingerprint(), JavaSparkContext.fromSparkContext(sc).broadcast(bundle.toBytes()),
        null);
  }

  String fingerprint() {
    return fingerprint;
  }

  boolean isBroadcast() {
    return bytes != null;
  }

  /** The model on this executor, deserialized from the broadcast bytes if it was broadcast. */
  ModelBundle bundle() {
    if (bytes == null) {
      ModelBundle b = local != null ? local : IN_THIS_JVM.getIfPresent(fingerprint);
      if (b == null) {
        throw new IllegalStateException("model " + fingerprint.substring(0, 12) + " was shipped for executors in the "
            + "driver's JVM (a local master) but this JVM does not hold it");
      }
      return b;
    }
    ModelBundle b = ModelBundle.fromBytes(bytes.value());
    if (!b.fingerprint().equals(fingerprint)) {
      throw new IllegalStateException("broadcast model has fingerprint " + b.fingerprint() + ", expected " + fingerprint);
    }
    return b;
  }

  /** Bytes broadcast, 0 in local mode. */
  long broadcastBytes() {
    return bytes == null ? 0 : bytes.value().length;
  }
}
