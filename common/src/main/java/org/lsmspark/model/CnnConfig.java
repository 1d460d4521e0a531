package org.lsmspark.model;

import static org.lsmspark.model.Checks.require;

import java.util.List;
import java.util.Locale;

/** The {@code cnn} section of {@code model.json}. */
public record CnnConfig(
    boolean useAttention, List<Integer> convFilters, List<Integer> convKernels, List<Integer> denseUnits,
    Pooling pooling) {

  public CnnConfig {
    require(convFilters != null && !convFilters.isEmpty(), "cnn needs at least one convolution");
    require(convKernels != null && convKernels.size() == convFilters.size(),
        "cnn conv_kernels must have one entry per conv_filters entry (" + convFilters.size() + ")");
    for (int f : convFilters) {
      require(f >= 1, "cnn conv_filters must be at least 1, got " + f);
    }
    for (int k : convKernels) {
      require(k >= 1 && k % 2 == 1, "cnn conv_kernels must be odd and positive, got " + k);
    }
    require(denseUnits != null, "cnn dense_units is missing");
    for (int u : denseUnits) {
      require(u >= 1, "cnn dense_units must be at least 1, got " + u);
    }
    require(pooling != null, "cnn pooling is missing");
    convFilters = List.copyOf(convFilters);
    convKernels = List.copyOf(convKernels);
    denseUnits = List.copyOf(denseUnits);
  }

  public int convCount() {
    return convFilters.size();
  }

  /** The filters of the last convolution: the feature map's channels after the conv blocks. */
  public int lastFilters() {
    return convFilters.get(convFilters.size() - 1);
  }

  /** How the last feature map becomes the dense layers' input vector. */
  public enum Pooling {
    /** The mean over height and width: one value per filter (format v1). */
    GLOBAL_AVERAGE,
    /** The whole map in height-width-channel order (format v2). */
    FLATTEN;

    /** The value in {@code model.json}. */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
