package org.melforge.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session of a job. Under {@code spark-submit} the master and settings come from
 * the submitter; run from plain {@code java} there is no master, and the job runs embedded in
 * {@code local[*]} bound to loopback. Either way executors get the JVM flags of
 * {@code conf/jvm.options} unless the submitter set their Java options itself.
 */
public final class SparkRuntime {

  /** Classpath copy of {@code conf/jvm.options}. */
  public static final String JVM_OPTIONS_RESOURCE = "/melforge/jvm.options";

  private SparkRuntime() {}

  /** The {@code spark.settings} section of a job's configuration as Spark settings. */
  public static java.util.Map<String, String> settings(com.typesafe.config.Config config) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    config.getConfig("spark.settings").entrySet()
        .forEach(e -> out.put(e.getKey().replace("\"", ""), e.getValue().unwrapped().toString()));
    return out;
  }

  /** Returns the active session or creates one named {@code appName} with {@code settings} on top. */
  public static SparkSession session(String appName, Map<String, String> settings) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1")
          .set("spark.ui.enabled", "false");
    }
    conf.setIfMissing("spark.app.name", appName)
        .setIfMissing("spark.sql.parquet.compression.codec", "zstd")
        .setIfMissing("spark.sql.debug.maxToStringFields", "100")
        .setIfMissing("spark.executor.extraJavaOptions", jvmOptions());
    settings.forEach(conf::set);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The JVM flags every driver and executor needs, as one line. */
  public static String jvmOptions() {
    try (InputStream in = SparkRuntime.class.getResourceAsStream(JVM_OPTIONS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(JVM_OPTIONS_RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .collect(Collectors.joining(" "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
