package org.melforge.dsp;

import java.util.Arrays;

/**
 * Triangular mel filterbank computed as {@code librosa.filters.mel} does (in double precision),
 * stored sparsely: each filter keeps only its contiguous band of nonzero weights, so that applying
 * the bank costs about two multiply-adds per FFT bin. Immutable and thread-safe.
 */
public final class MelFilterbank {

  private final int nFreqs;
  private final int[] bandStart;
  private final int[] bandOffset;
  private final int[] bandLength;
  private final double[] bandWeights;

  private MelFilterbank(int nFreqs, int[] bandStart, int[] bandOffset, int[] bandLength,
      double[] bandWeights) {
    this.nFreqs = nFreqs;
    this.bandStart = bandStart;
    this.bandOffset = bandOffset;
    this.bandLength = bandLength;
    this.bandWeights = bandWeights;
  }

  /**
   * Builds the filterbank of {@code settings}: {@code nMels + 2} points equally spaced in mels
   * between {@code fMin} and {@code fMax} are the edges and centres of the triangles over the FFT
   * bin frequencies {@code k * sampleRate / nFft}; with {@link MelScale#SLANEY} each triangle is
   * then scaled to unit area in Hz ({@code 2 / (f[i+2] - f[i])}).
   */
  public static MelFilterbank create(MelSettings settings) {
    int nMels = settings.nMels();
    int nFreqs = settings.nFreqs();
    MelScale scale = settings.melScale();
    double minMel = scale.hzToMel(settings.fMin());
    double maxMel = scale.hzToMel(settings.fMax());
    double melStep = (maxMel - minMel) / (nMels + 1);
    double[] edges = new double[nMels + 2];
    for (int i = 0; i < edges.length; i++) {
      double mel = i == edges.length - 1 ? maxMel : minMel + i * melStep;
      edges[i] = scale.melToHz(mel);
    }
    double binHz = (double) settings.sampleRate() / settings.nFft();

    double[][] dense = new double[nMels][nFreqs];
    int total = 0;
    int[] bandStart = new int[nMels];
    int[] bandLength = new int[nMels];
    for (int m = 0; m < nMels; m++) {
      double lowerWidth = edges[m + 1] - edges[m];
      double upperWidth = edges[m + 2] - edges[m + 1];
      double norm = scale == MelScale.SLANEY ? 2.0 / (edges[m + 2] - edges[m]) : 1.0;
      int first = -1;
      int last = -1;
      for (int k = 0; k < nFreqs; k++) {
        double f = k * binHz;
        double w = Math.max(0.0, Math.min((f - edges[m]) / lowerWidth, (edges[m + 2] - f) / upperWidth));
        if (w > 0) {
          dense[m][k] = w * norm;
          if (first < 0) {
            first = k;
          }
          last = k;
        }
      }
      bandStart[m] = Math.max(first, 0);
      bandLength[m] = first < 0 ? 0 : last - first + 1;
      total += bandLength[m];
    }

    int[] bandOffset = new int[nMels];
    double[] bandWeights = new double[total];
    int offset = 0;
    for (int m = 0; m < nMels; m++) {
      bandOffset[m] = offset;
      System.arraycopy(dense[m], bandStart[m], bandWeights, offset, bandLength[m]);
      offset += bandLength[m];
    }
    return new MelFilterbank(nFreqs, bandStart, bandOffset, bandLength, bandWeights);
  }

  /** Number of filters. */
  public int nMels() {
    return bandStart.length;
  }

  /** Number of FFT bins each filter spans, {@code nFft/2 + 1}. */
  public int nFreqs() {
    return nFreqs;
  }

  /** A dense copy of the weights, {@code [nMels][nFreqs]}, for inspection and tests. */
  public double[][] weights() {
    double[][] dense = new double[nMels()][nFreqs];
    for (int m = 0; m < dense.length; m++) {
      System.arraycopy(bandWeights, bandOffset[m], dense[m], bandStart[m], bandLength[m]);
    }
    return dense;
  }

  /**
   * Applies the filters to one power spectrum: {@code melOut[m] = sum_k weights[m][k] * power[k]}.
   *
   * @param power at least {@code nFreqs} values
   * @param melOut receives {@code nMels} values
   */
  public void apply(double[] power, double[] melOut) {
    if (power.length < nFreqs || melOut.length < nMels()) {
      throw new IllegalArgumentException("power needs " + nFreqs + " values (got " + power.length
          + "), melOut " + nMels() + " (got " + melOut.length + ")");
    }
    for (int m = 0; m < bandStart.length; m++) {
      melOut[m] = dot(m, power);
    }
  }

  /**
   * Applies the filters to a batch of power spectra ({@code power[k][b]}: bin {@code k} of frame
   * {@code b}), writes filter {@code m} of frame {@code b} to {@code out[m][column + b]} for
   * {@code b < count} and returns the largest value written.
   *
   * @param scratch at least {@code count} values, overwritten
   */
  double applyToColumns(double[][] power, int count, double[][] out, int column, double[] scratch) {
    double max = 0.0;
    for (int m = 0; m < bandStart.length; m++) {
      Arrays.fill(scratch, 0, count, 0.0);
      int k = bandStart[m];
      for (int o = bandOffset[m], end = o + bandLength[m]; o < end; o++, k++) {
        double w = bandWeights[o];
        double[] bin = power[k];
        for (int b = 0; b < count; b++) {
          scratch[b] += w * bin[b];
        }
      }
      for (int b = 0; b < count; b++) {
        max = Math.max(max, scratch[b]);
      }
      System.arraycopy(scratch, 0, out[m], column, count);
    }
    return max;
  }

  private double dot(int m, double[] power) {
    int k = bandStart[m];
    int o = bandOffset[m];
    int end = o + bandLength[m];
    double sum = 0.0;
    for (; o < end; o++, k++) {
      sum += bandWeights[o] * power[k];
    }
    return sum;
  }
}
