package org.lsmspark.spark;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.SparkEnv;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.ModelBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per fingerprint per executor JVM, shared by every task and thread there.
 * The broadcast bytes are deserialized lazily, once, by the first task that needs them.
 */
final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final ConcurrentHashMap<String, LsmModel> MODELS = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  static LsmModel get(String fingerprint, Broadcast<byte[]> bytes, CountsByKey loads) {
    return MODELS.computeIfAbsent(fingerprint, f -> {
      long t0 = System.nanoTime();
      byte[] b = bytes.value();
      LsmModel model = LsmModel.of(ModelBundle.fromBytes(b));
      loads.add(SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId());
      LOG.info("loaded model {} ({}) from {} broadcast bytes in {} ms", model.config().modelId(),
          f.substring(0, 12), b.length, (System.nanoTime() - t0) / 1_000_000);
      return model;
    });
  }
}
