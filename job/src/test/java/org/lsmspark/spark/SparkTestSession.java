package org.lsmspark.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The local Spark session of a test class, with Kryo registration required. Each test class
 * runs in a JVM of its own (surefire's reuseForks=false); Spark stops the session at exit.
 */
final class SparkTestSession {
  private SparkTestSession() {}

  static synchronized SparkSession get() {
    System.setProperty("spark.kryo.registrationRequired", "true");
    System.setProperty("spark.sql.shuffle.partitions", "4");
    System.setProperty("spark.ui.showConsoleProgress", "false");
    return SparkSessions.create("lsm tests", "local[2]");
  }
}
