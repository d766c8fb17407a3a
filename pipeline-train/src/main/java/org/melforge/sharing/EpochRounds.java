package org.melforge.sharing;

import org.melforge.metrics.EpochMetrics;

/**
 * One epoch of training, cut into rounds of a few steps per worker: between two rounds the job
 * may log progress and write a checkpoint, and a resumed run starts at the round after its
 * checkpoint. Implemented by the distributed trainers of this package ({@link SharedTrainer}) and by
 * single-JVM training ({@code org.melforge.training.LocalRounds}).
 */
public interface EpochRounds extends AutoCloseable {

  /** Rounds in the epoch. */
  int rounds();

  /**
   * Trains round {@code round}, whose first step is global step {@code firstStep}.
   *
   * @return the round's training metrics and how many global steps it made
   */
  Round train(int round, long firstStep);

  /** Releases what the epoch holds (cached rows). */
  @Override
  void close();

  /**
   * What a round did.
   *
   * @param metrics training metrics of its batches
   * @param steps global steps made (W batches of all workers make one)
   * @param revivedCodes dead units (codes, atoms) revived by the stateful layers' updates
   */
  record Round(EpochMetrics metrics, int steps, long revivedCodes) {}
}
