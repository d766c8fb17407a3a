package org.melforge.metrics;

/**
 * Usage of a codebook ({@link CodeCounts#usage}): perplexity {@code exp(-sum p log p)} of the code
 * distribution, the fraction of codes used at least once, and the number never used. Counts from
 * several batches or workers are summed before this is computed, never averaged after.
 *
 * @param perplexity perplexity of the code distribution (0 when nothing was counted)
 * @param usedFraction codes used at least once, over the codebook size
 * @param dead codes never used
 */
public record CodeUsage(double perplexity, double usedFraction, long dead) {}
