package org.melforge.sharing;

import org.melforge.spark.internal.SparkInternals;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * UDP ports of the parameter-server transport: the configured port on the driver, and port + 1 +
 * executor id on executors, so that several executors of one host (and local-cluster test
 * executors) do not compete for one port. Executor ids are the numbers Spark gives them.
 */
final class ExecutorPortSupplier implements PortSupplier {

  private static final long serialVersionUID = 1L;
  private static final int MAX_OFFSET = 1000;

  private final int port;

  ExecutorPortSupplier(int port) {
    this.port = port;
  }

  @Override
  public int getPort() {
    String id = SparkInternals.executorId();
    if (id.equals("driver")) {
      return port;
    }
    try {
      return port + 1 + Integer.parseInt(id) % MAX_OFFSET;
    } catch (NumberFormatException e) {
      return port + 1 + Math.floorMod(id.hashCode(), MAX_OFFSET);
    }
  }
}
