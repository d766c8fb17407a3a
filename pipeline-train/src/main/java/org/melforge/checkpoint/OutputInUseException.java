package org.melforge.checkpoint;

import org.apache.hadoop.fs.Path;

/**
 * Another run holds the output folder ({@link OutputLease}); the message names it. A refusal:
 * the job that meets it has not started (exit code 2).
 */
public final class OutputInUseException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** {@code root} is held by {@code holder}. */
  public OutputInUseException(Path root, String holder) {
    super("output folder " + root + " is in use by " + holder
        + "; wait for that run to end, or write to another folder");
  }
}
