package org.melforge.eval.report;

/**
 * Summary of one metric over a set of examples. Values may be non-finite (a PSNR of identical
 * tensors is {@code +Infinity}); the report shows them as {@code inf}, {@code -inf} and
 * {@code nan}.
 *
 * @param count examples summarised
 * @param mean mean
 * @param std standard deviation
 * @param p5 5th percentile
 * @param p50 median
 * @param p95 95th percentile
 */
public record Distribution(long count, double mean, double std, double p5, double p50,
    double p95) {}
