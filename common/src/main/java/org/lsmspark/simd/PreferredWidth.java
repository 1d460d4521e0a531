package org.lsmspark.simd;

import jdk.incubator.vector.FloatVector;

/** The one class of this package that touches the module: loaded only when it is resolved. */
final class PreferredWidth {
  private PreferredWidth() {}

  static int bits() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize();
  }
}
