package org.melforge.audio;

import java.util.Locale;
import java.util.Objects;

/**
 * An audio file that cannot be decoded, with a machine-readable {@link Reason} (for error tables and
 * counters) and a message that says specifically what is wrong with the file.
 */
public class AudioDecodeException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a file could not be decoded. */
  public enum Reason {
    /** The bytes are not a recognised audio container. */
    NOT_AUDIO,
    /** The file ends before the data its headers declare (a cut download or copy). */
    TRUNCATED,
    /** The input is zero bytes long, or a valid file holding zero sample frames. */
    EMPTY,
    /** A recognised container whose codec, sample format or layout this decoder does not handle. */
    UNSUPPORTED_FORMAT,
    /** The container is recognised but its headers or coded data are inconsistent or corrupt. */
    DECODE_FAILED;

    /** The lower-case snake-case name, e.g. {@code unsupported_format}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  /** Creates an exception for {@code reason} with a specific, human-readable message. */
  public AudioDecodeException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Creates an exception for {@code reason} with a specific message and the underlying cause. */
  public AudioDecodeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the file could not be decoded. */
  public Reason reason() {
    return reason;
  }
}
