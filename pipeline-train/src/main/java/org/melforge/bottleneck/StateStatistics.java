package org.melforge.bottleneck;

import java.io.Serializable;

/**
 * What one or more training steps of a {@link StatefulLayer} measured about its non-gradient
 * state, in a form that merges exactly: statistics of several steps, threads or workers
 * {@link #merge} into the statistics of all of them, in any order and grouping, so the runtime
 * can collect them wherever the steps ran and apply one merged result.
 */
public interface StateStatistics extends Serializable {

  /**
   * The statistics of both (this one's steps and {@code other}'s).
   *
   * @throws IllegalArgumentException when {@code other} is of another kind or shape
   */
  StateStatistics merge(StateStatistics other);

  /**
   * The same statistics reduced to a size bounded by the layer's state (not by the number of steps
   * merged), for shipping between JVMs; seeded, so equal inputs give equal outputs. Statistics
   * that are already bounded return themselves.
   */
  StateStatistics compact(long seed);
}
