package org.melforge.eval.report;

import java.util.Objects;

/**
 * Equal-width histogram of one metric over the evaluated split: {@code counts.length} bins between
 * {@code min} and {@code max}. The array is held as given.
 *
 * @param min lower edge of the first bin
 * @param max upper edge of the last bin
 * @param counts examples per bin
 */
public record Histogram(double min, double max, long[] counts) {

  /** Checks that there are counts. */
  public Histogram {
    Objects.requireNonNull(counts, "counts");
  }

  /** Lower edge of bin {@code i}. */
  public double lowerEdge(int i) {
    return min + (max - min) * i / counts.length;
  }
}
