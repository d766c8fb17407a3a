package org.melforge.bottleneck;

import org.nd4j.common.base.Preconditions;

/**
 * Linear KL warm-up keyed on the global step (samples seen / batch size, across all workers):
 * beta rises from 0 at step 0 to {@code betaMax} at {@code warmupSteps} and stays there.
 */
public record BetaSchedule(double betaMax, long warmupSteps) {

  public BetaSchedule {
    Preconditions.checkArgument(betaMax >= 0, "betaMax must be >= 0: %s", betaMax);
    Preconditions.checkArgument(warmupSteps >= 0, "warmupSteps must be >= 0: %s", warmupSteps);
  }

  /** Beta at {@code step}. */
  public double beta(long step) {
    if (warmupSteps == 0 || step >= warmupSteps) {
      return betaMax;
    }
    return betaMax * Math.max(step, 0) / warmupSteps;
  }
}
