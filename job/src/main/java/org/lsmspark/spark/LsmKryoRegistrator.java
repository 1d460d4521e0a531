package org.lsmspark.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.lsmspark.model.BundleCodec;
import org.lsmspark.model.ModelBundle;

/**
 * Registers the project's classes with explicit serializers, so none is serialized by
 * reflection, plus the Spark SQL classes a scoring run ships between JVMs (write task results,
 * their statistics and partition values, the files a Delta commit adds, and the result chunks
 * {@code toLocalIterator} streams to the driver for {@code lsm export}), so that
 * {@code spark.kryo.registrationRequired=true} holds.
 */
public final class LsmKryoRegistrator implements KryoRegistrator {
  private static final String[] SPARK_CLASSES = {
    "org.apache.spark.sql.types.TimestampType$",
    "org.apache.spark.sql.types.ArrayType",
    "org.apache.spark.sql.types.FloatType$",
    "[Lorg.apache.spark.util.io.ChunkedByteBuffer;",
  };

  /** What a Delta commit ships from its write tasks: the files added, with their partition values. */
  private static final String[] DELTA_CLASSES = {
    "org.apache.spark.sql.delta.actions.AddFile",
    "org.apache.spark.sql.delta.actions.DeletionVectorDescriptor",
    "org.apache.spark.sql.delta.stats.DeltaFileStatistics",
    "scala.collection.immutable.Map$EmptyMap$",
    "scala.collection.immutable.Map$Map1",
    "scala.collection.immutable.Map$Map2",
    "scala.collection.immutable.Map$Map3",
    "scala.collection.immutable.Map$Map4",
    "scala.collection.immutable.HashMap",
    "scala.None$",
    "scala.Some",
  };

  /**
   * What an Iceberg write ships: the table it broadcasts and the files its tasks commit, deep
   * graphs Iceberg makes {@code Serializable}, so Java serialization carries them whole.
   */
  private static final String[] ICEBERG_CLASSES = {
    "org.apache.iceberg.spark.source.SerializableTableWithSize",
    "org.apache.iceberg.spark.source.SerializableTableWithSize$SerializableMetadataTableWithSize",
    "org.apache.iceberg.spark.source.SparkWrite$TaskCommit",
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
    for (String name : DELTA_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
      } catch (ClassNotFoundException e) {
        // a cluster without Delta Lake writes no Delta tables
      }
    }
    for (String name : ICEBERG_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()), new JavaSerializer());
      } catch (ClassNotFoundException e) {
        // a cluster without Iceberg writes no Iceberg tables
      }
    }
  }
}
