package org.melforge.eval.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A summary of a metric's values: count, mean, population standard deviation and the 5th, 50th and
 * 95th percentiles, linearly interpolated between closest ranks (position {@code p (n - 1)} of the
 * sorted values: numpy's default and Spark SQL's {@code percentile}). NaN fields where undefined
 * (no values; a mean over an infinite value is infinite and its deviation NaN).
 *
 * @param count values summarised
 * @param mean their mean
 * @param std their population standard deviation
 * @param p5 5th percentile
 * @param p50 median
 * @param p95 95th percentile
 */
public record Distribution(long count, double mean, double std, double p5, double p50,
    double p95) {

  /** The distribution of {@code values} (NaN values left out). */
  public static Distribution of(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = Arrays.stream(v).sum() / v.length;
    double squares = 0;
    for (double x : v) {
      squares += (x - mean) * (x - mean);
    }
    return new Distribution(v.length, mean, Math.sqrt(squares / v.length), percentile(v, 0.05),
        percentile(v, 0.5), percentile(v, 0.95));
  }

  private static double percentile(double[] sorted, double p) {
    double position = p * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(sorted.length - 1, lower + 1);
    double fraction = position - lower;
    return fraction == 0 ? sorted[lower] : sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
  }

  /** JSON-ready values: count, mean, std, p5, p50, p95. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count);
    out.put("mean", mean);
    out.put("std", std);
    out.put("p5", p5);
    out.put("p50", p50);
    out.put("p95", p95);
    return out;
  }
}
