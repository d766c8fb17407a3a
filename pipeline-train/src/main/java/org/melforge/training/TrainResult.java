package org.melforge.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.melforge.spark.JobResult;

/**
 * What a training run did; immutable. {@link #toJsonLine()} is the last line the command line
 * prints, for a scheduler.
 *
 * @param output folder of checkpoints and history
 * @param startEpoch epochs already done when the run started (0 on a fresh start)
 * @param epochs epochs completed in total
 * @param globalStep training steps completed in total
 * @param lastCheckpoint folder of the last checkpoint written (or resumed from), null when none
 * @param train last epoch's training metrics
 * @param valid last epoch's validation metrics
 */
public record TrainResult(String output, int startEpoch, int epochs, long globalStep,
    String lastCheckpoint, Map<String, Double> train, Map<String, Double> valid)
    implements JobResult {

  /** Unmodifiable copies of the metric maps, in their order. */
  public TrainResult {
    train = Collections.unmodifiableMap(new LinkedHashMap<>(train));
    valid = Collections.unmodifiableMap(new LinkedHashMap<>(valid));
  }

  @Override
  public String toJsonLine() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job", "train");
    out.put("output", output);
    out.put("start_epoch", startEpoch);
    out.put("epochs", epochs);
    out.put("global_step", globalStep);
    out.put("last_checkpoint", lastCheckpoint);
    out.put("train", finite(train));
    out.put("valid", finite(valid));
    return JobResult.jsonLine(out);
  }

  /** Metrics with non-finite values as null (JSON has no NaN). */
  private static Map<String, Double> finite(Map<String, Double> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> out.put(k, v != null && Double.isFinite(v) ? v : null));
    return out;
  }
}
