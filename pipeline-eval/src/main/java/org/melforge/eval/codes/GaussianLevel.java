package org.melforge.eval.codes;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The posterior of one Gaussian bottleneck over a whole split: per latent dimension the sums of the
 * posterior mean, its square, the log-variance, its square and the KL divergence to the prior,
 * kept as exact decimals, so that sums of any partitioning of the split are the same numbers and
 * {@link #merge} order does not matter.
 */
public final class GaussianLevel implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Variance over the split of a dimension's posterior mean above which the unit is active. */
  public static final double ACTIVE_UNIT_VARIANCE = 0.01;

  private final String name;
  private final int dims;
  private final BigDecimal[][] sums;
  private long examples;

  private enum Sum { MU, MU2, LOGVAR, LOGVAR2, KL }

  /** Nothing added yet, for level {@code name} with {@code dims} latent dimensions. */
  public GaussianLevel(String name, int dims) {
    this.name = name;
    this.dims = dims;
    this.sums = new BigDecimal[Sum.values().length][dims];
    for (BigDecimal[] row : sums) {
      Arrays.fill(row, BigDecimal.ZERO);
    }
  }

  /** Adds the posterior means and log-variances {@code (B, L)} of a batch. */
  public void add(INDArray mu, INDArray logvar) {
    if (mu.size(1) != dims || logvar.size(1) != dims) {
      throw new IllegalArgumentException("level " + name + " has " + dims + " dimensions, got "
          + mu.size(1) + " and " + logvar.size(1));
    }
    double[][] m = mu.toDoubleMatrix();
    double[][] lv = logvar.toDoubleMatrix();
    for (int b = 0; b < m.length; b++) {
      for (int d = 0; d < dims; d++) {
        double mean = m[b][d];
        double v = lv[b][d];
        add(Sum.MU, d, mean);
        add(Sum.MU2, d, mean * mean);
        add(Sum.LOGVAR, d, v);
        add(Sum.LOGVAR2, d, v * v);
        add(Sum.KL, d, -0.5 * (1 + v - mean * mean - Math.exp(v)));
      }
    }
    examples += m.length;
  }

  private void add(Sum sum, int d, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("level " + name + ": non-finite " + sum + " in dimension "
          + d);
    }
    sums[sum.ordinal()][d] = sums[sum.ordinal()][d].add(new BigDecimal(value));
  }

  /** Adds {@code other}'s sums (same level). */
  public GaussianLevel merge(GaussianLevel other) {
    if (!other.name.equals(name) || other.dims != dims) {
      throw new IllegalArgumentException("cannot merge level " + other.name + " (" + other.dims
          + " dims) into " + name + " (" + dims + " dims)");
    }
    for (int s = 0; s < sums.length; s++) {
      for (int d = 0; d < dims; d++) {
        sums[s][d] = sums[s][d].add(other.sums[s][d]);
      }
    }
    examples += other.examples;
    return this;
  }

  public String name() {
    return name;
  }

  /** The level's posterior over the split (NaN everywhere for an empty split). */
  public Summary summary() {
    double[] kl = new double[dims];
    double[] muVariance = new double[dims];
    int active = 0;
    for (int d = 0; d < dims; d++) {
      kl[d] = mean(Sum.KL, d);
      muVariance[d] = variance(Sum.MU, Sum.MU2, d);
      if (muVariance[d] > ACTIVE_UNIT_VARIANCE) {
        active++;
      }
    }
    return new Summary(name, dims, examples, kl, muVariance, active,
        overallMean(Sum.MU), Math.sqrt(overallVariance(Sum.MU, Sum.MU2)),
        overallMean(Sum.LOGVAR), Math.sqrt(overallVariance(Sum.LOGVAR, Sum.LOGVAR2)));
  }

  private double mean(Sum sum, int d) {
    return examples == 0 ? Double.NaN : divide(sums[sum.ordinal()][d], examples);
  }

  private double variance(Sum first, Sum second, int d) {
    return varianceOf(sums[first.ordinal()][d], sums[second.ordinal()][d], examples);
  }

  private double overallMean(Sum sum) {
    return examples == 0 ? Double.NaN : divide(total(sum), examples * dims);
  }

  private double overallVariance(Sum first, Sum second) {
    return varianceOf(total(first), total(second), examples * dims);
  }

  private BigDecimal total(Sum sum) {
    BigDecimal t = BigDecimal.ZERO;
    for (BigDecimal v : sums[sum.ordinal()]) {
      t = t.add(v);
    }
    return t;
  }

  /** Population variance {@code E[x^2] - E[x]^2}, in exact arithmetic up to the final division. */
  private static double varianceOf(BigDecimal sum, BigDecimal sumOfSquares, long n) {
    if (n == 0) {
      return Double.NaN;
    }
    BigDecimal count = BigDecimal.valueOf(n);
    BigDecimal numerator = sumOfSquares.multiply(count).subtract(sum.multiply(sum));
    return Math.max(0, numerator.divide(count.multiply(count), MathContext.DECIMAL64).doubleValue());
  }

  private static double divide(BigDecimal sum, long n) {
    return sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64).doubleValue();
  }

  /**
   * What {@link #summary} reports of a Gaussian level.
   *
   * @param name the bottleneck layer
   * @param dims latent dimensions L
   * @param examples examples added
   * @param klPerDimension mean KL divergence to N(0, 1) per dimension, nats
   * @param muVariance variance over the split of each dimension's posterior mean
   * @param activeUnits dimensions whose {@code muVariance} exceeds {@link #ACTIVE_UNIT_VARIANCE}
   * @param muMean mean of every posterior mean value
   * @param muStd standard deviation of every posterior mean value
   * @param logvarMean mean of every log-variance value
   * @param logvarStd standard deviation of every log-variance value
   */
  public record Summary(String name, int dims, long examples, double[] klPerDimension,
      double[] muVariance, int activeUnits, double muMean, double muStd, double logvarMean,
      double logvarStd) {

    /** Total KL divergence per example, the sum over dimensions. */
    public double kl() {
      return Arrays.stream(klPerDimension).sum();
    }

    /** JSON-ready values, snake_case keys. */
    public Map<String, Object> toJson() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("kind", "gaussian");
      out.put("dims", dims);
      out.put("examples", examples);
      out.put("kl", kl());
      out.put("kl_per_dimension", klPerDimension);
      out.put("mu_variance", muVariance);
      out.put("active_units", activeUnits);
      out.put("active_unit_variance", ACTIVE_UNIT_VARIANCE);
      out.put("mu", Map.of("mean", muMean, "std", muStd));
      out.put("logvar", Map.of("mean", logvarMean, "std", logvarStd));
      return out;
    }
  }
}
