package org.lsmspark.spark;

import org.apache.spark.sql.SparkSession;

/** One local Spark session for the test JVM, with Kryo registration required. */
final class SparkTestSession {
  private static SparkSession spark;
  private static int users;

  private SparkTestSession() {}

  static synchronized SparkSession get() {
    if (spark == null) {
      System.setProperty("spark.kryo.registrationRequired", "true");
      System.setProperty("spark.sql.shuffle.partitions", "4");
      System.setProperty("spark.ui.showConsoleProgress", "false");
      spark = SparkSessions.create("lsm tests", "local[2]");
    }
    users++;
    return spark;
  }

  static synchronized void release() {
    // kept for the JVM's other test classes; Spark stops it at shutdown
    users--;
  }
}
