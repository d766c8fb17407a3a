package org.melforge.training;

import java.util.Arrays;

/**
 * Usage of a codebook from assignment counts: perplexity {@code exp(-sum p log p)} of the code
 * distribution, the fraction of codes used at least once, and the number never used. Counts
 * from several batches or workers must be summed before this is computed.
 */
public record CodeUsage(double perplexity, double usedFraction, long dead) {

  /** Usage of the given per-code counts. */
  public static CodeUsage of(long[] counts) {
    double total = Arrays.stream(counts).sum();
    double entropy = 0;
    long used = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = c / total;
        entropy -= p * Math.log(p);
        used++;
      }
    }
    return new CodeUsage(total == 0 ? 0 : Math.exp(entropy), (double) used / counts.length,
        counts.length - used);
  }
}
