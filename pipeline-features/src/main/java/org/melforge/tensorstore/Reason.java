package org.melforge.tensorstore;

/** Reason codes of the {@code _errors} table. */
public enum Reason {
  NOT_AUDIO,
  TRUNCATED,
  EMPTY,
  UNSUPPORTED_FORMAT,
  MISSING_METADATA,
  MISSING_AUDIO,
  DUPLICATE_ID,
  DECODE_FAILED,
  TOO_SHORT,
  READ_FAILED,
  PADDED;

  /** The code as stored: lower-case snake case. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Warnings keep the input in the table; every other reason drops it. */
  public String severity() {
    return this == PADDED ? ErrorTable.WARNING : ErrorTable.ERROR;
  }
}
