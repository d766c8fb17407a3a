package org.melforge.spark.internal;

/**
 * One JVM that runs tasks, as registered with the driver's block manager master: an executor, or
 * the driver itself in local mode.
 *
 * @param executorId Spark's executor id ({@code driver} for the driver)
 * @param host the host the executor registered with
 * @param isDriver whether this is the driver's JVM
 */
public record ExecutorSlot(String executorId, String host, boolean isDriver) {

  /**
   * The preferred-location string that pins a task to this executor, {@code executor_<host>_<id>}
   * (e.g. for {@code SparkContext.makeRDD} with locations).
   */
  public String preferredLocation() {
    return SparkInternals.EXECUTOR_LOCATION_PREFIX + host + "_" + executorId;
  }
}
