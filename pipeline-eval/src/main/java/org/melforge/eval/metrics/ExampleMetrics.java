package org.melforge.eval.metrics;

import java.util.Objects;
import org.melforge.dsp.MelWindows;

/**
 * Reconstruction metrics of one example: an original tensor and its reconstruction, both
 * {@code (nMels, nFrames)} float32 stored values in [-1, 1], mel-major and row-major as in the
 * tensor table's {@code tensor} column. Each metric is computed on the whole tensor and on its valid
 * frames, the first {@code validFrames} columns (the rest is padding). Squared errors are summed in
 * double.
 *
 * @param mse mean squared error of the stored values
 * @param psnr peak signal-to-noise ratio in dB for the data range of stored values,
 *     {@link #psnr(double)} of {@code mse}: {@code +Infinity} for identical tensors
 * @param rmseDb root mean squared error in dB, {@link #rmseDb(double)} of {@code mse}
 * @param ssim mean structural similarity, {@link Ssim}
 * @param mseValid {@code mse} of the valid frames; {@code NaN} when there are none
 * @param psnrValid {@code psnr} of the valid frames; {@code NaN} when there are none
 * @param rmseDbValid {@code rmseDb} of the valid frames; {@code NaN} when there are none
 * @param ssimValid {@code ssim} of the valid frames; {@code NaN} when they are fewer than
 *     {@link Ssim#WINDOW} (SSIM is undefined on images narrower than its window)
 */
public record ExampleMetrics(double mse, double psnr, double rmseDb, double ssim,
    double mseValid, double psnrValid, double rmseDbValid, double ssimValid) {

  /**
   * Metrics of one example, with a fresh {@link Ssim} work area.
   *
   * @throws IllegalArgumentException if an array is null or does not hold {@code nMels * nFrames}
   *     values, a dimension is not positive, {@code validFrames} is outside {@code [0, nFrames]}, or
   *     the tensor is smaller than the SSIM window along a side
   */
  public static ExampleMetrics of(float[] original, float[] reconstruction, int nMels, int nFrames,
      int validFrames) {
    return of(original, reconstruction, nMels, nFrames, validFrames, new Ssim());
  }

  /**
   * Metrics of one example, reusing {@code ssim}'s work area (for callers that score many examples
   * on one thread).
   *
   * @throws IllegalArgumentException as {@link #of(float[], float[], int, int, int)}
   */
  public static ExampleMetrics of(float[] original, float[] reconstruction, int nMels, int nFrames,
      int validFrames, Ssim ssim) {
    Objects.requireNonNull(ssim, "ssim");
    check(original, reconstruction, nMels, nFrames, validFrames);
    double mse = meanSquaredError(original, reconstruction, nMels, nFrames, nFrames);
    double ssimAll = ssim.mean(original, reconstruction, nMels, nFrames);
    if (validFrames == nFrames) {
      return new ExampleMetrics(mse, psnr(mse), rmseDb(mse), ssimAll,
          mse, psnr(mse), rmseDb(mse), ssimAll);
    }
    double mseValid = validFrames == 0 ? Double.NaN
        : meanSquaredError(original, reconstruction, nMels, nFrames, validFrames);
    double ssimValid = validFrames < Ssim.WINDOW ? Double.NaN
        : ssim.meanOfFirstColumns(original, reconstruction, nMels, nFrames, validFrames);
    return new ExampleMetrics(mse, psnr(mse), rmseDb(mse), ssimAll,
        mseValid, psnr(mseValid), rmseDb(mseValid), ssimValid);
  }

  /**
   * Peak signal-to-noise ratio in dB of a mean squared error of stored values:
   * {@code 10 log10(R^2 / mse)} with the data range {@code R = }{@link Ssim#DATA_RANGE};
   * {@code +Infinity} for 0.
   */
  public static double psnr(double mse) {
    return 10 * Math.log10(Ssim.DATA_RANGE * Ssim.DATA_RANGE / mse);
  }

  /**
   * Root mean squared error in dB of a mean squared error of stored values: a stored unit is
   * {@link MelWindows#DB_SCALE} dB, so {@code DB_SCALE * sqrt(mse)}.
   */
  public static double rmseDb(double mse) {
    return MelWindows.DB_SCALE * Math.sqrt(mse);
  }

  /** Mean squared difference over the first {@code width > 0} columns of two row-major images. */
  private static double meanSquaredError(float[] a, float[] b, int rows, int cols, int width) {
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = 0; c < width; c++) {
        double d = (double) a[base + c] - b[base + c];
        sum += d * d;
      }
    }
    return sum / ((double) rows * width);
  }

  private static void check(float[] original, float[] reconstruction, int nMels, int nFrames,
      int validFrames) {
    if (nMels <= 0 || nFrames <= 0) {
      throw new IllegalArgumentException(
          "nMels and nFrames must be positive, got nMels " + nMels + ", nFrames " + nFrames);
    }
    if (validFrames < 0 || validFrames > nFrames) {
      throw new IllegalArgumentException(
          "validFrames must be in [0, nFrames = " + nFrames + "], got " + validFrames);
    }
    long expected = (long) nMels * nFrames;
    checkLength("original", original, expected, nMels, nFrames);
    checkLength("reconstruction", reconstruction, expected, nMels, nFrames);
  }

  private static void checkLength(String name, float[] tensor, long expected, int nMels,
      int nFrames) {
    if (tensor == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (tensor.length != expected) {
      throw new IllegalArgumentException(name + " holds " + tensor.length + " floats, a " + nMels
          + " x " + nFrames + " tensor needs " + expected);
    }
  }
}
