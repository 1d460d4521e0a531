package org.lsmspark.spark;

import static org.apache.spark.sql.functions.col;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.lsmspark.inference.EngineOptions;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.tokenizer.DecodeMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer as a Spark ML {@link Transformer}: one row per turn in ({@code conversation},
 * {@code turn index}, {@code text} columns, names set by params), one prediction row out per
 * window, with the schema {@link ScoreSchema#SCORED}. The driver reads and verifies the model
 * once and ships it ({@link ShippedModel}): its Kryo bytes broadcast and deserialized once per
 * executor JVM, or, with a local master, the driver's bundle itself.
 */
public final class LsmScorer extends Transformer {
  private static final Logger LOG = LoggerFactory.getLogger(LsmScorer.class);
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> modelPath;
  private final Param<String> conversationCol;
  private final Param<String> turnIndexCol;
  private final Param<String> textCol;
  private final Param<String> turnsCol;
  private final Param<String> mode;
  private final IntParam minContext;
  private final IntParam batchSize;
  private final IntParam topK;
  private final IntParam cacheSize;
  private final LongParam cacheMemoryBytes;
  private final BooleanParam legacyMode;
  private final Param<String> decode;
  private final DoubleParam decodeCheckRate;
  private final IntParam numPartitions;

  /** Model loads, windows, errors... of the last {@link #transform} on this instance. */
  private transient PartitionScorer.Metrics lastMetrics;
  private transient ModelBundle lastBundle;
  private transient String lastBundlePath;
  private transient ShippedModel lastShipped;
  /** This JVM's shipments by application and model, while a scorer or a scoring plan holds them. */
  private static final Cache<String, ShippedModel> SHIPPED = Caffeine.newBuilder().weakValues().build();

  public LsmScorer() {
    this(Identifiable.randomUID("lsmScorer"));
  }

  public LsmScorer(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath", "model directory (any Hadoop file system path)");
    conversationCol = new Param<>(this, "conversationCol", "conversation id column");
    turnIndexCol = new Param<>(this, "turnIndexCol", "turn index column");
    textCol = new Param<>(this, "textCol", "turn text column");
    turnsCol = new Param<>(this, "turnsCol", "array-of-turns column, for one row per conversation");
    mode = new Param<>(this, "mode", "'all' (every turn with enough context) or 'last' (after each conversation)",
        ParamValidators.inArray(new String[] {"all", "last"}));
    minContext = new IntParam(this, "minContext", "earlier turns a turn needs to be scored; -1: window size (all), 1 (last)",
        ParamValidators.gtEq(-1));
    batchSize = new IntParam(this, "batchSize", "windows per model call",
        ParamValidators.inRange(1, EngineOptions.MAX_BATCH_SIZE_LIMIT));
    topK = new IntParam(this, "topK", "candidates per prediction", ParamValidators.inRange(1, EngineOptions.MAX_TOP_K));
    cacheSize = new IntParam(this, "cacheSize", "prediction cache entries per executor", ParamValidators.gtEq(0));
    cacheMemoryBytes = new LongParam(this, "cacheMemoryBytes", "cache memory budget per executor, bytes", ParamValidators.gtEq(0));
    legacyMode = new BooleanParam(this, "legacyMode", "unoptimized baseline: no caches, one window at a time");
    decode = new Param<>(this, "decode", "'exact' (the true top k) or 'approximate' (HNSW candidates, rescored exactly)",
        ParamValidators.inArray(new String[] {"exact", "approximate"}));
    decodeCheckRate = new DoubleParam(this, "decodeCheckRate",
        "with approximate decode, the fraction of embeddings also decoded exactly to measure recall",
        ParamValidators.inRange(0, 1));
    numPartitions = new IntParam(this, "numPartitions", "partitions to score in; 0: spark.sql.shuffle.partitions",
        ParamValidators.gtEq(0));
    Corpus.Columns columns = Corpus.Columns.defaults(); // the command line's, so both read the same corpus
    setDefault(conversationCol, columns.conversation());
    setDefault(turnIndexCol, columns.turnIndex());
    setDefault(textCol, columns.text());
    setDefault(turnsCol, columns.turns());
    setDefault(mode, "all");
    setDefault(minContext, ScoreSettings.DEFAULT_MIN_CONTEXT);
    setDefault(batchSize, EngineOptions.DEFAULT_MAX_BATCH_SIZE);
    setDefault(topK, EngineOptions.DEFAULT_TOP_K);
    setDefault(cacheSize, EngineOptions.DEFAULT_CACHE_SIZE);
    setDefault(cacheMemoryBytes, EngineOptions.DEFAULT_CACHE_MEMORY_BYTES);
    setDefault(legacyMode, false);
    setDefault(decode, DecodeMode.EXACT.toString());
    setDefault(decodeCheckRate, EngineOptions.DEFAULT_DECODE_CHECK_RATE);
    setDefault(numPartitions, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> modelPath() { return modelPath; }
  public Param<String> conversationCol() { return conversationCol; }
  public Param<String> turnIndexCol() { return turnIndexCol; }
  public Param<String> textCol() { return textCol; }
  public Param<String> turnsCol() { return turnsCol; }
  public Param<String> mode() { return mode; }
  public IntParam minContext() { return minContext; }
  public IntParam batchSize() { return batchSize; }
  public IntParam topK() { return topK; }
  public IntParam cacheSize() { return cacheSize; }
  public LongParam cacheMemoryBytes() { return cacheMemoryBytes; }
  public BooleanParam legacyMode() { return legacyMode; }
  public Param<String> decode() { return decode; }
  public DoubleParam decodeCheckRate() { return decodeCheckRate; }
  public IntParam numPartitions() { return numPartitions; }

  public LsmScorer setModelPath(String v) { set(modelPath, v); return this; }
  public LsmScorer setConversationCol(String v) { set(conversationCol, v); return this; }
  public LsmScorer setTurnIndexCol(String v) { set(turnIndexCol, v); return this; }
  public LsmScorer setTextCol(String v) { set(textCol, v); return this; }
  public LsmScorer setTurnsCol(String v) { set(turnsCol, v); return this; }
  public LsmScorer setMode(String v) { set(mode, v); return this; }
  public LsmScorer setMinContext(int v) { set(minContext, v); return this; }
  public LsmScorer setBatchSize(int v) { set(batchSize, v); return this; }
  public LsmScorer setTopK(int v) { set(topK, v); return this; }
  public LsmScorer setCacheSize(int v) { set(cacheSize, v); return this; }
  public LsmScorer setCacheMemoryBytes(long v) { set(cacheMemoryBytes, v); return this; }
  public LsmScorer setLegacyMode(boolean v) { set(legacyMode, v); return this; }
  public LsmScorer setDecode(String v) { set(decode, v); return this; }
  public LsmScorer setDecodeCheckRate(double v) { set(decodeCheckRate, v); return this; }
  public LsmScorer setNumPartitions(int v) { set(numPartitions, v); return this; }

  ScoreSettings settings() {
    return new ScoreSettings(WindowMode.parse($(mode)), (Integer) $(minContext), (Integer) $(batchSize),
        (Integer) $(topK), (Integer) $(cacheSize), (Long) $(cacheMemoryBytes), (Boolean) $(legacyMode),
        DecodeMode.parse($(decode)), (Double) $(decodeCheckRate));
  }

  private Corpus.Columns columns() {
    return new Corpus.Columns($(conversationCol), $(turnIndexCol), $(textCol), $(turnsCol));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    CorpusSchema.check(schema, "the input", columns());
    return ScoreSchema.SCORED;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    if (!isDefined(modelPath)) {
      throw new IllegalArgumentException("modelPath is not set");
    }
    ScoreSettings settings = settings();
    Dataset<Row> turns = Corpus.turns(dataset.toDF(), "the input", columns());
    SparkSession spark = dataset.sparkSession();
    ModelBundle bundle = loadModel(spark);
    ShippedModel shipped = shipped(spark);
    PartitionScorer.Metrics metrics = newMetrics(spark);
    int partitions = (Integer) $(numPartitions) > 0 ? (Integer) $(numPartitions)
        : spark.sessionState().conf().numShufflePartitions();
    // ties of a repeated turn index sorted by text: which one is context does not depend on the input's order
    Dataset<Row> sorted = LastTurns.forMode(turns, settings.mode(), bundle.config().windowSize())
        .repartition(partitions, col(Corpus.CONVERSATION))
        .sortWithinPartitions(Corpus.CONVERSATION, Corpus.TURN_INDEX, Corpus.TEXT);
    // each pass has an id of its own: executors keep their engines' baselines per pass
    PartitionScorer scorer = new PartitionScorer(UUID.randomUUID().toString(), shipped, bundle.modelId(),
        bundle.config().windowSize(), settings, metrics);
    JavaRDD<Row> scored = sorted.javaRDD().mapPartitions(scorer);
    this.lastMetrics = metrics;
    return spark.createDataFrame(scored, ScoreSchema.SCORED);
  }

  /**
   * Reads and verifies the model on the driver (once per path for this instance); a broken model
   * is refused here, before any task runs.
   */
  public ModelBundle loadModel(SparkSession spark) {
    if (!isDefined(modelPath)) {
      throw new IllegalArgumentException("modelPath is not set");
    }
    if (lastBundle == null || !$(modelPath).equals(lastBundlePath)) {
      lastBundle = ModelDirectory.read($(modelPath), spark.sparkContext().hadoopConfiguration());
      lastBundlePath = $(modelPath);
    }
    return lastBundle;
  }

  /**
   * The model shipped to the executors ({@link #loadModel} first): once per model per Spark
   * application, since a stopped context's broadcasts are gone.
   */
  public void shipModel(SparkSession spark) {
    shipped(spark);
  }

  private ShippedModel shipped(SparkSession spark) {
    ModelBundle bundle = loadModel(spark);
    String key = spark.sparkContext().applicationId() + "/" + bundle.fingerprint();
    lastShipped = SHIPPED.get(key, k -> {
      long t0 = System.nanoTime();
      ShippedModel m = ShippedModel.ship(spark.sparkContext(), bundle);
      if (m.isBroadcast()) {
        LOG.info("model {} ({}) broadcast: {} MiB in {} ms", bundle.modelId(), bundle.fingerprint().substring(0, 12),
            m.broadcastBytes() >> 20, (System.nanoTime() - t0) / 1_000_000);
      } else {
        LOG.info("model {} ({}) shared with the executors in this JVM (local master): not broadcast",
            bundle.modelId(), bundle.fingerprint().substring(0, 12));
      }
      return m;
    });
    return lastShipped;
  }

  /** The accumulators of the last {@link #transform}; read them after an action on its result. */
  public PartitionScorer.Metrics lastMetrics() {
    return lastMetrics;
  }

  private static PartitionScorer.Metrics newMetrics(SparkSession spark) {
    var sc = spark.sparkContext();
    CountsByKey loads = new CountsByKey();
    sc.register(loads, "lsm.modelLoads");
    EngineStatsAccumulator engines = new EngineStatsAccumulator();
    sc.register(engines, "lsm.engineStats");
    return new PartitionScorer.Metrics(loads, engines, sc.longAccumulator("lsm.turns"), sc.longAccumulator("lsm.conversations"),
        sc.longAccumulator("lsm.windows"), sc.longAccumulator("lsm.errors"),
        sc.longAccumulator("lsm.skippedShortContext"), sc.longAccumulator("lsm.duplicates"),
        sc.longAccumulator("lsm.turnsWithoutKey"),
        sc.longAccumulator("lsm.scoringNanos"));
  }

  @Override
  public LsmScorer copy(ParamMap extra) {
    return (LsmScorer) defaultCopy(extra);
  }
}
