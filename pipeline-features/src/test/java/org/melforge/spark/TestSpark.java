package org.melforge.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session shared by every test class of the forked test JVM. */
public final class TestSpark {

  private static SparkSession session;

  private TestSpark() {}

  /** The shared session, created on first use. */
  public static synchronized SparkSession get() {
    if (session == null) {
      System.setProperty("spark.master", "local[2]");
      session = SparkRuntime.session("melforge-tests", Map.of(
          "spark.sql.shuffle.partitions", "4",
          "spark.default.parallelism", "4",
          "spark.ui.enabled", "false",
          "spark.driver.host", "127.0.0.1",
          "spark.driver.bindAddress", "127.0.0.1"));
    }
    return session;
  }
}
