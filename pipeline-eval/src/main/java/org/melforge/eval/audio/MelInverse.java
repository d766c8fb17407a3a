package org.melforge.eval.audio;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.melforge.dsp.LogMelSpectrogram;
import org.melforge.dsp.MelFilterbank;
import org.melforge.dsp.MelSettings;
import org.melforge.dsp.MelWindows;

/**
 * Inverts a stored log-mel tensor to a linear-frequency magnitude spectrogram.
 *
 * <p>The features job stores {@code dB / DB_SCALE + 1} ({@link MelWindows#DB_SCALE}), where
 * {@code dB = 10 log10(S / max S)} of the mel power {@code S} of the whole clip, clipped to
 * [{@link LogMelSpectrogram#FLOOR_DB}, 0] ({@link LogMelSpectrogram#decibels}). The absolute level
 * is not stored, so the mel power comes back relative to the clip maximum:
 * {@code S = 10^((stored - 1) * DB_SCALE / 10)}, at most 1, and a floored bin becomes
 * {@code 1e-8}. The linear power spectrum is {@code max(0, pinv(W) S)}, with {@code W} the
 * {@link MelFilterbank#weights()} ({@code nMels x nFreqs}) and {@code pinv(W)} its Moore-Penrose
 * pseudo-inverse; the features job squares the FFT ({@code |X|^2}), so the magnitude is the square
 * root of that power.
 *
 * <p>The pseudo-inverse is computed once per {@link MelSettings} and shared, as
 * {@code pinv(W) = W^T pinv(W W^T)} from the eigendecomposition of the small Gram matrix
 * {@code W W^T}; eigenvalues up to {@code nMels * lambdaMax * 2^-52} count as zero (singular values
 * below about {@code 1e-7} of the largest), so empty or duplicate filters are handled. Instances
 * are immutable and thread-safe.
 */
public final class MelInverse {

  private static final Map<MelSettings, MelInverse> CACHE = new ConcurrentHashMap<>();

  private final MelSettings settings;
  /** {@code pinv(W)}, {@code [nFreqs][nMels]}. */
  private final double[][] pinv;

  private MelInverse(MelSettings settings) {
    this.settings = settings;
    RealMatrix weights = MatrixUtils.createRealMatrix(MelFilterbank.create(settings).weights());
    this.pinv = weights.transpose().multiply(gramPseudoInverse(weights)).getData();
  }

  /** {@code pinv(W W^T) = sum over eigenpairs with lambda > tolerance of v v^T / lambda}. */
  private static RealMatrix gramPseudoInverse(RealMatrix weights) {
    EigenDecomposition eigen = new EigenDecomposition(weights.multiply(weights.transpose()));
    double[] lambda = eigen.getRealEigenvalues();
    double largest = Arrays.stream(lambda).max().orElseThrow();
    double tolerance = lambda.length * largest * Math.ulp(1.0);
    RealMatrix v = eigen.getV();
    RealMatrix scaled = v.copy();
    for (int i = 0; i < lambda.length; i++) {
      scaled.setColumnVector(i, v.getColumnVector(i).mapMultiply(
          lambda[i] > tolerance ? 1.0 / lambda[i] : 0.0));
    }
    return scaled.multiply(v.transpose());
  }

  /** The inverse for {@code settings}, computed on first use and kept for the life of the JVM. */
  public static MelInverse of(MelSettings settings) {
    return CACHE.computeIfAbsent(settings, MelInverse::new);
  }

  /** A copy of the pseudo-inverse of the filterbank weights, {@code [nFreqs][nMels]}. */
  public double[][] pseudoInverse() {
    double[][] copy = new double[pinv.length][];
    for (int k = 0; k < pinv.length; k++) {
      copy[k] = pinv[k].clone();
    }
    return copy;
  }

  /**
   * Magnitude spectrogram of the valid frames of a stored tensor:
   * {@code sqrt(linearPower(melPower(...)))}.
   *
   * @return {@code [nFreqs][validFrames]}
   * @throws IllegalArgumentException as {@link #melPower}
   */
  public double[][] magnitude(float[] tensor, int nMels, int nFrames, int validFrames) {
    double[][] power = linearPower(melPower(tensor, nMels, nFrames, validFrames));
    for (double[] row : power) {
      for (int t = 0; t < row.length; t++) {
        row[t] = Math.sqrt(row[t]);
      }
    }
    return power;
  }

  /**
   * Mel power of the valid frames of a stored tensor, relative to the clip maximum.
   *
   * @param tensor {@code nMels * nFrames} stored values, mel-major and row-major
   * @param validFrames leading frames that are audio; the rest is padding and is dropped
   * @return {@code [nMels][validFrames]} values {@code 10^((stored - 1) * DB_SCALE / 10)}
   * @throws IllegalArgumentException if {@code nMels} differs from the settings', the tensor does
   *     not hold {@code nMels * nFrames} values or {@code validFrames} is outside
   *     {@code [1, nFrames]}
   */
  public double[][] melPower(float[] tensor, int nMels, int nFrames, int validFrames) {
    checkShape(tensor, nMels, nFrames, validFrames);
    double[][] mel = new double[nMels][validFrames];
    double perStored = MelWindows.DB_SCALE / 10.0;
    for (int m = 0; m < nMels; m++) {
      for (int t = 0; t < validFrames; t++) {
        mel[m][t] = Math.pow(10.0, (tensor[m * nFrames + t] - 1.0) * perStored);
      }
    }
    return mel;
  }

  /**
   * Linear power spectrogram {@code max(0, pinv(W) S)} of a mel power spectrogram {@code S}.
   *
   * @param melPower {@code [nMels][frames]}
   * @return {@code [nFreqs][frames]}, non-negative
   */
  public double[][] linearPower(double[][] melPower) {
    if (melPower.length != settings.nMels()) {
      throw new IllegalArgumentException(
          "melPower has " + melPower.length + " rows, the settings " + settings.nMels() + " mels");
    }
    int frames = melPower[0].length;
    double[][] out = new double[pinv.length][frames];
    for (int k = 0; k < pinv.length; k++) {
      double[] row = out[k];
      for (int m = 0; m < melPower.length; m++) {
        accumulate(row, pinv[k][m], melPower[m]);
      }
      for (int t = 0; t < frames; t++) {
        row[t] = Math.max(0.0, row[t]);
      }
    }
    return out;
  }

  private static void accumulate(double[] row, double weight, double[] mel) {
    for (int t = 0; t < row.length; t++) {
      row[t] += weight * mel[t];
    }
  }

  private void checkShape(float[] tensor, int nMels, int nFrames, int validFrames) {
    if (nMels != settings.nMels()) {
      throw new IllegalArgumentException(
          "nMels " + nMels + " differs from the settings' " + settings.nMels());
    }
    if (nFrames <= 0 || tensor == null || tensor.length != nMels * nFrames) {
      throw new IllegalArgumentException("tensor must hold nMels * nFrames = " + nMels + " * "
          + nFrames + " values, got " + (tensor == null ? "null" : tensor.length));
    }
    if (validFrames < 1 || validFrames > nFrames) {
      throw new IllegalArgumentException(
          "validFrames must be in [1, " + nFrames + "], got " + validFrames);
    }
  }
}
