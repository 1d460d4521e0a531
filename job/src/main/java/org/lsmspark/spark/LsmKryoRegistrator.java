package org.lsmspark.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.lsmspark.model.ModelBundle;

/** Registers the project's classes with explicit serializers, so none is serialized by reflection. */
public final class LsmKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(ModelBundle.class, new ModelBundle.Serializer());
  }
}
