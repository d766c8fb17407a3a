package org.melforge.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Records the local properties of every Spark job started while it is open. {@link #close()}
 * first waits until the listener bus has delivered every job start that happened before it.
 */
public final class JobStarts implements AutoCloseable {

  private static final String MARKER = "spark.melforge.test.marker";
  private static final long TIMEOUT_MS = 60_000;

  private final SparkContext sc;
  private final List<Properties> started = new ArrayList<>();
  private final SparkListener listener = new SparkListener() {
    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      synchronized (started) {
        started.add(jobStart.properties() == null ? new Properties() : jobStart.properties());
        started.notifyAll();
      }
    }
  };
  private List<Properties> result;

  private JobStarts(SparkContext sc) {
    this.sc = sc;
    sc.addSparkListener(listener);
  }

  /** Starts recording on {@code sc}. */
  public static JobStarts record(SparkContext sc) {
    return new JobStarts(sc);
  }

  /** The properties of the jobs started between {@link #record} and {@link #close()}, in order. */
  public List<Properties> jobs() {
    if (result == null) {
      throw new IllegalStateException("still recording");
    }
    return result;
  }

  @Override
  public void close() throws InterruptedException {
    if (result != null) {
      return;
    }
    String marker = UUID.randomUUID().toString();
    String previous = sc.getLocalProperty(MARKER);
    sc.setLocalProperty(MARKER, marker);
    try {
      JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1), 1).count();
    } finally {
      sc.setLocalProperty(MARKER, previous);
    }
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    synchronized (started) {
      while (started.stream().noneMatch(p -> marker.equals(p.getProperty(MARKER)))) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new IllegalStateException("the listener bus did not deliver the marker job's start in "
              + TIMEOUT_MS + " ms");
        }
        started.wait(left);
      }
      sc.removeSparkListener(listener);
      result = started.stream().filter(p -> !marker.equals(p.getProperty(MARKER))).toList();
    }
  }
}
