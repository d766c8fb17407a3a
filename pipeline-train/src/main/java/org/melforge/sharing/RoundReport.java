package org.melforge.sharing;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.melforge.bottleneck.StateStatistics;
import org.melforge.metrics.EpochMetrics;

/**
 * What one executor's {@link WorkerRun} recorded since the previous harvest.
 *
 * @param executorId the Spark executor id ("driver" in local mode)
 * @param stepsPerReplica training steps of each replica (training thread) of the executor
 * @param metrics the training metrics of those steps
 * @param statistics per stateful layer, the statistics merged over those steps
 * @param trainedWith per stateful layer, the state fingerprint each replica that trained in the
 *     round trained with
 */
record RoundReport(String executorId, List<Long> stepsPerReplica, EpochMetrics metrics,
    Map<String, StateStatistics> statistics, Map<String, List<String>> trainedWith)
    implements Serializable {

  /** Steps of all replicas together (batches trained). */
  long batches() {
    return stepsPerReplica.stream().mapToLong(Long::longValue).sum();
  }
}
