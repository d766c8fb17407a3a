package org.melforge.data;

/**
 * What training does with a row whose tensor cannot be trained on (a value that is not finite or
 * lies outside the table's range, {@link TensorValues}): {@link #STOP} refuses the table naming
 * the rows, {@link #SKIP} leaves them out, counted and named in the log.
 */
public enum BadRows {
  /** Refuse the table. */
  STOP,
  /** Train without the bad rows. */
  SKIP
}
