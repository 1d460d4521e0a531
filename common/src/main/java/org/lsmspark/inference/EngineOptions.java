package org.lsmspark.inference;

import java.util.Objects;
import java.util.function.Supplier;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.tokenizer.DecodeMode;

/**
 * How an {@link InferenceEngine} is built: where the model comes from (a location any Hadoop file
 * system can read, or a supplier of an already deserialized bundle, as Spark executors have),
 * whether it loads lazily, how large the caches may grow (in entries per cache and in bytes for
 * all caches together), the largest batch handed to the model, the unoptimized legacy mode, and
 * where the decode's index is kept between loads.
 * Immutable; {@link Builder#build()} checks every value and names the option and its valid range.
 */
public final class EngineOptions {
  public static final int DEFAULT_CACHE_SIZE = 10_000;
  public static final long DEFAULT_CACHE_MEMORY_BYTES = 256L << 20;
  public static final int DEFAULT_MAX_BATCH_SIZE = 256;
  public static final int DEFAULT_TOP_K = 5;
  public static final double DEFAULT_HEAP_TRIM_FRACTION = 0.85;
  public static final int MAX_BATCH_SIZE_LIMIT = 1 << 16;
  /** The most candidates a prediction may ask for; the job's settings use the same bound. */
  public static final int MAX_TOP_K = 1_000;
  public static final int MAX_THREADS = 1024;

  /** One approximate decoding in a hundred is checked against the exact one by default. */
  public static final double DEFAULT_DECODE_CHECK_RATE = 0.01;

  private final String modelLocation;
  private final Supplier<ModelBundle> bundleSource;
  private final boolean lazyLoad;
  private final int cacheSize;
  private final long cacheMemoryBytes;
  private final int maxBatchSize;
  private final boolean legacyMode;
  private final int topK;
  private final double heapTrimFraction;
  private final int threads;
  private final DecodeMode decode;
  private final double decodeCheckRate;
  private final String indexCache;

  private EngineOptions(Builder b) {
    this.modelLocation = b.modelLocation;
    this.bundleSource = b.bundleSource;
    this.lazyLoad = b.lazyLoad;
    this.cacheSize = b.cacheSize;
    this.cacheMemoryBytes = b.cacheMemoryBytes;
    this.maxBatchSize = b.maxBatchSize;
    this.legacyMode = b.legacyMode;
    this.topK = b.topK;
    this.heapTrimFraction = b.heapTrimFraction;
    this.threads = b.threads;
    this.decode = b.decode;
    this.decodeCheckRate = b.decodeCheckRate;
    this.indexCache = b.indexCache;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options reading the model from {@code location}, everything else at its default. */
  public static EngineOptions forModel(String location) {
    return builder().modelLocation(location).build();
  }

  /** Options taking the model from {@code source}, everything else at its default. */
  public static EngineOptions forBundle(Supplier<ModelBundle> source) {
    return builder().bundleSource(source).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.modelLocation = modelLocation;
    b.bundleSource = bundleSource;
    b.lazyLoad = lazyLoad;
    b.cacheSize = cacheSize;
    b.cacheMemoryBytes = cacheMemoryBytes;
    b.maxBatchSize = maxBatchSize;
    b.legacyMode = legacyMode;
    b.topK = topK;
    b.heapTrimFraction = heapTrimFraction;
    b.threads = threads;
    b.decode = decode;
    b.decodeCheckRate = decodeCheckRate;
    b.indexCache = indexCache;
    return b;
  }

  /** Exact (the default) or approximate decoding; legacy mode always decodes exactly. */
  public DecodeMode decode() {
    return decode;
  }

  /** The fraction of approximately decoded embeddings also decoded exactly to measure recall. */
  public double decodeCheckRate() {
    return decodeCheckRate;
  }

  /**
   * The folder the decode's factored index is read from and written to between loads, "off" for
   * none, or null (the default) for the folder system property {@code lsm.index.cache} names, if any.
   */
  public String indexCache() {
    return indexCache;
  }

  /** The model directory, or null when the model comes from {@link #bundleSource()}. */
  public String modelLocation() {
    return modelLocation;
  }

  /** The supplier of the model, or null when it is read from {@link #modelLocation()}. */
  public Supplier<ModelBundle> bundleSource() {
    return bundleSource;
  }

  /** Whether the model is loaded on the first prediction (true) or when the engine is built. */
  public boolean lazyLoad() {
    return lazyLoad;
  }

  /** The most entries each cache holds; 0 disables caching. */
  public int cacheSize() {
    return cacheSize;
  }

  /** The most bytes (estimated) all caches together hold; 0 disables caching. */
  public long cacheMemoryBytes() {
    return cacheMemoryBytes;
  }

  /** The most windows handed to the model in one call. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** The unoptimized baseline: eager load, no caches, one window at a time, one thread. */
  public boolean legacyMode() {
    return legacyMode;
  }

  /** Candidates per prediction when a call does not say. */
  public int topK() {
    return topK;
  }

  /** The fraction of the maximum heap above which the caches are trimmed. */
  public double heapTrimFraction() {
    return heapTrimFraction;
  }

  /** Threads that embed the windows of a batch in parallel. */
  public int threads() {
    return threads;
  }

  /** Whether the caches are in use: not legacy, and both bounds above 0. */
  public boolean cachesEnabled() {
    return !legacyMode && cacheSize > 0 && cacheMemoryBytes > 0;
  }

  /** Where the model comes from, for messages. */
  public String modelDescription() {
    return modelLocation != null ? modelLocation : "a supplied model bundle";
  }

  @Override
  public String toString() {
    return "EngineOptions{model=" + modelDescription() + ", lazyLoad=" + lazyLoad + ", cacheSize=" + cacheSize
        + ", cacheMemoryBytes=" + cacheMemoryBytes + ", maxBatchSize=" + maxBatchSize + ", legacyMode=" + legacyMode
        + ", topK=" + topK + ", heapTrimFraction=" + heapTrimFraction + ", threads=" + threads + ", decode=" + decode + ", decodeCheckRate=" + decodeCheckRate
        + (indexCache != null ? ", indexCache=" + indexCache : "") + "}";
  }

  /** Builds {@link EngineOptions}; {@link #build()} validates. */
  public static final class Builder {
    private String modelLocation;
    private Supplier<ModelBundle> bundleSource;
    private boolean lazyLoad = true;
    private int cacheSize = DEFAULT_CACHE_SIZE;
    private long cacheMemoryBytes = DEFAULT_CACHE_MEMORY_BYTES;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private boolean legacyMode;
    private int topK = DEFAULT_TOP_K;
    private double heapTrimFraction = DEFAULT_HEAP_TRIM_FRACTION;
    private int threads = Runtime.getRuntime().availableProcessors();
    private DecodeMode decode = DecodeMode.EXACT;
    private double decodeCheckRate = DEFAULT_DECODE_CHECK_RATE;
    private String indexCache;

    private Builder() {}

    /** See {@link EngineOptions#indexCache()}. */
    public Builder indexCache(String folder) {
      this.indexCache = folder;
      return this;
    }

    public Builder decode(DecodeMode mode) {
      this.decode = Objects.requireNonNull(mode, "decode");
      return this;
    }

    public Builder decodeCheckRate(double rate) {
      this.decodeCheckRate = rate;
      return this;
    }

    /** A model directory on any Hadoop file system; excludes {@link #bundleSource}. */
    public Builder modelLocation(String location) {
      this.modelLocation = location;
      return this;
    }

    /** A supplier of the model (called once, on load); excludes {@link #modelLocation}. */
    public Builder bundleSource(Supplier<ModelBundle> source) {
      this.bundleSource = source;
      return this;
    }

    /** A model already in memory. */
    public Builder bundle(ModelBundle bundle) {
      Objects.requireNonNull(bundle, "bundle");
      this.bundleSource = () -> bundle;
      return this;
    }

    public Builder lazyLoad(boolean value) {
      this.lazyLoad = value;
      return this;
    }

    public Builder cacheSize(int entries) {
      this.cacheSize = entries;
      return this;
    }

    public Builder cacheMemoryBytes(long bytes) {
      this.cacheMemoryBytes = bytes;
      return this;
    }

    public Builder maxBatchSize(int windows) {
      this.maxBatchSize = windows;
      return this;
    }

    public Builder legacyMode(boolean value) {
      this.legacyMode = value;
      return this;
    }

    public Builder topK(int k) {
      this.topK = k;
      return this;
    }

    public Builder heapTrimFraction(double fraction) {
      this.heapTrimFraction = fraction;
      return this;
    }

    public Builder threads(int count) {
      this.threads = count;
      return this;
    }

    public EngineOptions build() {
      if (modelLocation != null && bundleSource != null) {
        throw new IllegalArgumentException("modelLocation and bundleSource exclude each other; set only one");
      }
      if (modelLocation == null && bundleSource == null) {
        throw new IllegalArgumentException("a model is required: set modelLocation or bundleSource");
      }
      if (modelLocation != null && modelLocation.isBlank()) {
        throw new IllegalArgumentException("modelLocation must not be blank");
      }
      if (cacheSize < 0) {
        throw new IllegalArgumentException("cacheSize must be between 0 and " + Integer.MAX_VALUE
            + " entries (0 disables caching), got " + cacheSize);
      }
      if (cacheMemoryBytes < 0) {
        throw new IllegalArgumentException("cacheMemoryBytes must be between 0 and " + Long.MAX_VALUE
            + " bytes (0 disables caching), got " + cacheMemoryBytes);
      }
      if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE_LIMIT) {
        throw new IllegalArgumentException("maxBatchSize must be between 1 and " + MAX_BATCH_SIZE_LIMIT
            + " windows, got " + maxBatchSize);
      }
      if (topK < 1 || topK > MAX_TOP_K) {
        throw new IllegalArgumentException("topK must be between 1 and " + MAX_TOP_K + ", got " + topK);
      }
      if (!(heapTrimFraction > 0 && heapTrimFraction <= 1)) {
        throw new IllegalArgumentException("heapTrimFraction must be above 0 and at most 1, got " + heapTrimFraction);
      }
      if (threads < 1 || threads > MAX_THREADS) {
        throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + ", got " + threads);
      }
      if (indexCache != null && indexCache.isBlank()) {
        throw new IllegalArgumentException("indexCache must be a folder or \"off\", not blank");
      }
      if (!(decodeCheckRate >= 0 && decodeCheckRate <= 1)) {
        throw new IllegalArgumentException("decodeCheckRate must be between 0 and 1, got " + decodeCheckRate);
      }
      return new EngineOptions(this);
    }
  }
}
