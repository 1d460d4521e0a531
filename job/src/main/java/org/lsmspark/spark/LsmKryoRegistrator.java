package org.lsmspark.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.lsmspark.model.BundleCodec;
import org.lsmspark.model.ModelBundle;

/**
 * Registers the project's classes with explicit serializers, so none is serialized by
 * reflection, plus the Spark SQL classes a scoring run ships between JVMs (write task results,
 * their statistics and partition values, and the result chunks {@code toLocalIterator} streams to the
 * driver for {@code lsm export}), so that {@code spark.kryo.registrationRequired=true}
 * holds.
 */
public final class LsmKryoRegistrator implements KryoRegistrator {
  private static final String[] SPARK_CLASSES = {
    "org.apache.spark.sql.types.TimestampType$",
    "org.apache.spark.sql.types.ArrayType",
    "org.apache.spark.sql.types.FloatType$",
    "[Lorg.apache.spark.util.io.ChunkedByteBuffer;",
  };

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(ModelBundle.class, new BundleCodec());
    for (String name : SPARK_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Spark class " + name + " is missing: is this Spark 4.0?", e);
      }
    }
  }
}
