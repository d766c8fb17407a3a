package org.melforge.checkpoint;

/**
 * A checkpoint that cannot be used: missing, incomplete, corrupt (unreadable metadata, a file
 * whose SHA-256 differs from the recorded one) or holding what MelForge never writes. The message
 * names the checkpoint folder and the reason.
 */
public final class CheckpointException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A checkpoint that cannot be used, for {@code reason}. */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A checkpoint that cannot be used. */
  public CheckpointException(String message) {
    super(message);
  }
}
