package org.melforge.eval.report;

import java.util.List;
import java.util.Objects;
import org.melforge.eval.metrics.Distribution;

/**
 * Statistics of one bottleneck level over the evaluated split. A {@link #CODES} level (a vector
 * quantizer) fills the code fields; a {@link #BINARY} level (binary spherical quantization) the
 * code fields of its integer codes and the per-bit fields; a {@link #GAUSSIAN} level (a VAE
 * posterior) the per-dimension fields, {@code mu} and {@code logvar}. Arrays are held as given.
 *
 * @param name level name
 * @param kind {@link #CODES}, {@link #BINARY} or {@link #GAUSSIAN}
 * @param codebookSize codes in the codebook (0 for a gaussian level)
 * @param usageCounts positions assigned to each code; null when not kept (large codebooks) or for
 *     a gaussian level
 * @param topCodes the most used codes as {@code [code, count]}, most used first
 * @param entropyBits entropy of the code distribution in bits
 * @param perplexity {@code 2^entropyBits}
 * @param used codes used at least once
 * @param dead codes never used
 * @param nominalBitsPerSecond {@code log2(codebookSize)} bits per position times positions per
 *     second
 * @param entropyBitsPerSecond entropy bits per position times positions per second
 * @param positionsPerSecond latent positions per second of audio
 * @param pca per code its 2-D PCA coordinates {@code [x, y]}; nullable
 * @param pairwiseDistances summary of distances between codebook vectors; nullable
 * @param klPerDimension mean KL divergence per latent dimension (gaussian)
 * @param muVariance variance of the posterior mean per latent dimension (gaussian)
 * @param activeUnits latent dimensions counted as active (gaussian)
 * @param mu summary of posterior means (gaussian; null for codes)
 * @param logvar summary of posterior log-variances (gaussian; null for codes)
 * @param bitPlusFraction per bit, most significant first, the fraction of positions where it is
 *     +1 (binary; null otherwise)
 * @param bitEntropyBits per bit, most significant first, the entropy of its distribution in bits
 *     (binary; null otherwise)
 */
public record LevelStats(String name, String kind, long codebookSize, long[] usageCounts,
    List<long[]> topCodes, double entropyBits, double perplexity, long used, long dead,
    double nominalBitsPerSecond, double entropyBitsPerSecond, double positionsPerSecond,
    double[][] pca, Distribution pairwiseDistances, double[] klPerDimension, double[] muVariance,
    int activeUnits, Distribution mu, Distribution logvar, double[] bitPlusFraction,
    double[] bitEntropyBits) {

  /** {@link #kind()} of a vector-quantized level. */
  public static final String CODES = "codes";
  /** {@link #kind()} of a binary spherical quantization level. */
  public static final String BINARY = "binary";
  /** {@link #kind()} of a gaussian (VAE) level. */
  public static final String GAUSSIAN = "gaussian";

  /**
   * Checks the name and kind, that a gaussian level has its per-dimension values and a binary
   * level its per-bit values; a null {@code topCodes} becomes empty.
   */
  public LevelStats {
    Objects.requireNonNull(name, "name");
    if (!CODES.equals(kind) && !BINARY.equals(kind) && !GAUSSIAN.equals(kind)) {
      throw new IllegalArgumentException("kind must be codes, binary or gaussian: " + kind);
    }
    if (GAUSSIAN.equals(kind)) {
      Objects.requireNonNull(klPerDimension, "klPerDimension");
      Objects.requireNonNull(muVariance, "muVariance");
    }
    if (BINARY.equals(kind)) {
      Objects.requireNonNull(bitPlusFraction, "bitPlusFraction");
      Objects.requireNonNull(bitEntropyBits, "bitEntropyBits");
    }
    topCodes = topCodes == null ? List.of() : List.copyOf(topCodes);
  }

  /** Whether this is a {@link #GAUSSIAN} level. */
  public boolean gaussian() {
    return GAUSSIAN.equals(kind);
  }

  /** Whether this is a {@link #BINARY} level. */
  public boolean binary() {
    return BINARY.equals(kind);
  }
}
