package org.lsmspark.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether this JVM runs the JDK's incubating Vector API, the one home of that decision for every
 * kernel with a Vector API implementation (the decode's lane kernel, the CNN's rows). The API is
 * there only when the JVM starts with {@code --add-modules=jdk.incubator.vector}; classes that use
 * it are loaded reflectively ({@link #construct}), so that everything else loads without it.
 */
public final class VectorApi {
  /** System property that, set to {@code false}, keeps every scalar kernel (for comparisons). */
  public static final String PROPERTY = "lsm.vector";
  public static final String MODULE = "jdk.incubator.vector";

  private VectorApi() {}

  /** The float vector width the Vector API prefers here in bits; 0 without the module or with {@link #PROPERTY} false. */
  public static int bits() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return 0;
    }
    try {
      return (int) MethodHandles.lookup()
          .findStatic(Class.forName("org.lsmspark.simd.PreferredWidth"), "bits", MethodType.methodType(int.class))
          .invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException("the Vector API does not load", e);
    }
  }

  /** Why a scalar kernel runs where the vector one needs {@code minBits}, for log lines. */
  public static String scalarReason(int minBits) {
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return "start the JVM with --add-modules=" + MODULE;
    }
    return bits() == 0 ? PROPERTY + "=false" : "no " + minBits + "-bit vectors on this CPU";
  }

  /**
   * A new instance of the Vector API class {@code name}, through the caller's {@code lookup} (its
   * constructor may be package-private); only callable when {@link #bits} is not 0.
   */
  public static <T> T construct(MethodHandles.Lookup lookup, Class<T> type, String name, Class<?>[] parameters,
      Object... arguments) {
    try {
      return type.cast(lookup.findConstructor(Class.forName(name), MethodType.methodType(void.class, parameters))
          .invokeWithArguments(arguments));
    } catch (Throwable e) {
      throw new IllegalStateException("the Vector API class " + name + " does not load", e);
    }
  }
}
