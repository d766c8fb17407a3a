package org.melforge.dsp;

import java.util.Arrays;

/**
 * One-sided power spectra {@code |X[k]|^2}, {@code k = 0..nFft/2}, of windowed frames, computed
 * for up to {@code batch} frames at once in double precision. Frame {@code b} of a batch is
 * {@code nFft} samples of a signal, multiplied by a window of {@code window.length} samples that
 * starts at {@code windowOffset} and is zero elsewhere; {@code X} is its unnormalised DFT
 * {@code X[k] = sum_i x[i] exp(-2 pi i k i / nFft)}.
 *
 * <p>The real FFT packs the frame into a complex sequence of {@code nFft/2} points (even samples
 * real, odd samples imaginary), transforms it with an iterative radix-2 decimation-in-time FFT and
 * separates the two halves of the spectrum. Every array holds one value per frame of the batch
 * and every loop runs over the frames innermost with the same index into all its arrays, so that
 * HotSpot C2 vectorises the butterflies. Not thread-safe: all buffers are reused between calls.
 */
final class BatchedPowerSpectrum {

  private final int nFft;
  private final int half;
  private final int batch;
  private final double[] window;
  private final int windowOffset;
  private final double[][] re;
  private final double[][] im;
  private final double[][] windowedRows;
  private final double[][] zeroRows;
  private final double[] stageCos;
  private final double[] stageSin;
  private final double[] splitCos;
  private final double[] splitSin;
  private final double[][] power;

  /**
   * @param nFft frame length and FFT size; a power of two, at least 2
   * @param window window samples, at most {@code nFft - windowOffset}
   * @param windowOffset first windowed sample of the frame
   * @param batch most frames per {@link #compute} call
   */
  BatchedPowerSpectrum(int nFft, double[] window, int windowOffset, int batch) {
    if (nFft < 2 || Integer.bitCount(nFft) != 1) {
      throw new IllegalArgumentException("nFft must be a power of two >= 2, got " + nFft);
    }
    if (windowOffset < 0 || windowOffset + window.length > nFft || batch <= 0) {
      throw new IllegalArgumentException("window of " + window.length + " at " + windowOffset
          + " must fit in " + nFft + " samples, batch " + batch + " must be positive");
    }
    this.nFft = nFft;
    this.half = nFft / 2;
    this.batch = batch;
    this.window = window.clone();
    this.windowOffset = windowOffset;
    this.re = new double[half][batch];
    this.im = new double[half][batch];
    this.power = new double[half + 1][batch];

    int bits = Integer.numberOfTrailingZeros(half);
    this.windowedRows = new double[window.length][];
    boolean[] windowed = new boolean[nFft];
    for (int j = 0; j < window.length; j++) {
      int i = windowOffset + j;
      windowed[i] = true;
      windowedRows[j] = sampleRow(i, bits);
    }
    double[][] zero = new double[nFft][];
    int zeros = 0;
    for (int i = 0; i < nFft; i++) {
      if (!windowed[i]) {
        zero[zeros++] = sampleRow(i, bits);
      }
    }
    this.zeroRows = Arrays.copyOf(zero, zeros);

    this.stageCos = new double[Math.max(1, half / 2)];
    this.stageSin = new double[stageCos.length];
    for (int k = 0; k < half / 2; k++) {
      stageCos[k] = Math.cos(2.0 * Math.PI * k / half);
      stageSin[k] = -Math.sin(2.0 * Math.PI * k / half);
    }
    this.splitCos = new double[half];
    this.splitSin = new double[half];
    for (int k = 0; k < half; k++) {
      splitCos[k] = Math.cos(2.0 * Math.PI * k / nFft);
      splitSin[k] = -Math.sin(2.0 * Math.PI * k / nFft);
    }
  }

  /** The array that holds sample {@code i} of every frame: bit-reversed complex row, re or im. */
  private double[] sampleRow(int i, int bits) {
    int row = bits == 0 ? 0 : Integer.reverse(i >> 1) >>> (32 - bits);
    return (i & 1) == 0 ? re[row] : im[row];
  }

  /** Most frames per {@link #compute} call. */
  int batch() {
    return batch;
  }

  /**
   * Computes the power spectra of {@code count} frames; frame {@code b} is
   * {@code signal[start + b * hop ...][nFft]}. Afterwards {@code bins()[k][b]} is
   * {@code |X[k]|^2} of frame {@code b}.
   */
  void compute(double[] signal, int start, int hop, int count) {
    if (count <= 0 || count > batch) {
      throw new IllegalArgumentException("count must be in [1, " + batch + "], got " + count);
    }
    load(signal, start, hop, count);
    transform(count);
    split(count);
  }

  /**
   * Power rows of the last {@link #compute}: {@code nFft/2 + 1} arrays, entry {@code b} of row
   * {@code k} is bin {@code k} of frame {@code b}. Overwritten by the next call.
   */
  double[][] bins() {
    return power;
  }

  private void load(double[] signal, int start, int hop, int count) {
    for (double[] row : zeroRows) {
      Arrays.fill(row, 0, count, 0.0);
    }
    int offset = start + windowOffset;
    for (int j = 0; j < windowedRows.length; j++) {
      double[] row = windowedRows[j];
      double w = window[j];
      int src = offset + j;
      for (int b = 0; b < count; b++, src += hop) {
        row[b] = signal[src] * w;
      }
    }
  }

  private void transform(int count) {
    for (int g = 0; g + 1 < half; g += 2) {
      sumDifference(re[g], im[g], re[g + 1], im[g + 1], count);
    }
    for (int h = 2; h < half; h <<= 1) {
      int step = half / (2 * h);
      for (int g = 0; g < half; g += 2 * h) {
        sumDifference(re[g], im[g], re[g + h], im[g + h], count);
        for (int k = 1; k < h; k++) {
          butterfly(re[g + k], im[g + k], re[g + k + h], im[g + k + h],
              stageCos[k * step], stageSin[k * step], count);
        }
      }
    }
  }

  private static void sumDifference(double[] ar, double[] ai, double[] br, double[] bi, int count) {
    for (int b = 0; b < count; b++) {
      double ur = ar[b];
      double ui = ai[b];
      double vr = br[b];
      double vi = bi[b];
      ar[b] = ur + vr;
      ai[b] = ui + vi;
      br[b] = ur - vr;
      bi[b] = ui - vi;
    }
  }

  private static void butterfly(double[] ar, double[] ai, double[] br, double[] bi, double wr,
      double wi, int count) {
    for (int b = 0; b < count; b++) {
      double xr = br[b];
      double xi = bi[b];
      double tr = xr * wr - xi * wi;
      double ti = xr * wi + xi * wr;
      double ur = ar[b];
      double ui = ai[b];
      ar[b] = ur + tr;
      ai[b] = ui + ti;
      br[b] = ur - tr;
      bi[b] = ui - ti;
    }
  }

  /**
   * {@code X[k] = (Z[k] + conj Z[h-k]) / 2 - i W^k (Z[k] - conj Z[h-k]) / 2} with
   * {@code W = exp(-2 pi i / nFft)}, {@code h = nFft/2}; {@code X[0]} and {@code X[h]} are the sum
   * and difference of the real and imaginary parts of {@code Z[0]}.
   */
  private void split(int count) {
    double[] r0 = re[0];
    double[] i0 = im[0];
    double[] dc = power[0];
    double[] nyquist = power[half];
    for (int b = 0; b < count; b++) {
      double sum = r0[b] + i0[b];
      double difference = r0[b] - i0[b];
      dc[b] = sum * sum;
      nyquist[b] = difference * difference;
    }
    for (int k = 1; k < half; k++) {
      splitPower(re[k], im[k], re[half - k], im[half - k], splitCos[k], splitSin[k], power[k],
          count);
    }
  }

  private static void splitPower(double[] zr, double[] zi, double[] mr, double[] mi, double c,
      double s, double[] out, int count) {
    for (int b = 0; b < count; b++) {
      double ar = zr[b] + mr[b];
      double ai = zi[b] - mi[b];
      double dr = zr[b] - mr[b];
      double di = zi[b] + mi[b];
      double xr = ar + c * di + s * dr;
      double xi = ai - c * dr + s * di;
      out[b] = 0.25 * (xr * xr + xi * xi);
    }
  }
}
