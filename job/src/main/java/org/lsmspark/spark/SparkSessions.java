package org.lsmspark.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session every command uses: Kryo with the project's registrator, quiet UI, safe local Delta commits. */
public final class SparkSessions {
  static final String DELTA_LOG_STORE = "spark.delta.logStore.class";
  /** Delta tables at file: paths commit through {@link LinkingLogStore}: concurrent runs exclude each other. */
  static final String DELTA_FILE_LOG_STORE = "spark.delta.logStore.file.impl";

  private SparkSessions() {}

  /**
   * Under {@code spark-submit} the master comes from it; otherwise {@code master} (e.g.
   * {@code local[*]}) runs Spark embedded in this JVM.
   */
  public static SparkSession create(String appName, String master) {
    SparkConf conf = new SparkConf(true)
        .setAppName(appName)
        .setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .setIfMissing("spark.kryo.registrator", LsmKryoRegistrator.class.getName())
        .setIfMissing("spark.ui.enabled", "false")
        .setIfMissing("spark.ui.showConsoleProgress", "true")
        .setIfMissing("spark.sql.session.timeZone", "UTC")
        // Delta tables by path and in SQL (DESCRIBE HISTORY); Iceberg catalogs are set per table
        .setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .setIfMissing("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .setIfMissing("spark.sql.shuffle.partitions", String.valueOf(Math.max(2, 2 * Runtime.getRuntime().availableProcessors())));
    if (!conf.contains(DELTA_LOG_STORE)) { // Delta refuses a scheme's log store beside one for all schemes
      conf.setIfMissing(DELTA_FILE_LOG_STORE, LinkingLogStore.class.getName());
    }
    if (!conf.contains("spark.master")) {
      conf.setMaster(master);
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
