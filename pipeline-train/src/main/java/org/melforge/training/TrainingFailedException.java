package org.melforge.training;

/**
 * Training started and then failed (exit code 1): a non-finite loss or model, a failed round, a
 * lost output lease. The message says where (epoch, round, global step) and what the newest
 * checkpoint is; earlier outputs are left as they were.
 */
public final class TrainingFailedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}, caused by {@code cause} (may be null). */
  public TrainingFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
