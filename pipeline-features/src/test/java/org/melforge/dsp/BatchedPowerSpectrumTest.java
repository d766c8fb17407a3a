package org.melforge.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BatchedPowerSpectrumTest {

  @ParameterizedTest(name = "nFft {0}, window {1} at {2}, batch {3}, {4} frames")
  @CsvSource({
      "2, 2, 0, 4, 3", "4, 4, 0, 3, 3", "8, 5, 1, 4, 9", "16, 16, 0, 8, 8", "32, 17, 7, 5, 12",
      "64, 64, 0, 16, 1", "256, 100, 78, 8, 20", "1024, 1024, 0, 32, 70", "1024, 400, 312, 32, 33",
      "2048, 2048, 0, 16, 17"})
  void powerMatchesDirectDft(int nFft, int winLength, int offset, int batch, int frames) {
    Random random = new Random(nFft * 31L + frames);
    double[] window = new double[winLength];
    for (int j = 0; j < winLength; j++) {
      window[j] = random.nextDouble();
    }
    int hop = 3 + random.nextInt(nFft);
    double[] signal = new double[(frames - 1) * hop + nFft + 5];
    for (int i = 0; i < signal.length; i++) {
      signal[i] = random.nextGaussian();
    }
    int start = 5;
    BatchedPowerSpectrum spectra = new BatchedPowerSpectrum(nFft, window, offset, batch);
    double worst = 0;
    for (int first = 0; first < frames; first += batch) {
      int count = Math.min(batch, frames - first);
      spectra.compute(signal, start + first * hop, hop, count);
      double[][] bins = spectra.bins();
      assertEquals(nFft / 2 + 1, bins.length);
      for (int b = 0; b < count; b++) {
        double[] x = new double[nFft];
        int frameStart = start + (first + b) * hop;
        for (int j = 0; j < winLength; j++) {
          x[offset + j] = signal[frameStart + offset + j] * window[j];
        }
        double[] expected = directPower(x);
        for (int k = 0; k <= nFft / 2; k++) {
          double scale = Math.max(1.0, expected[k]);
          worst = Math.max(worst, Math.abs(bins[k][b] - expected[k]) / scale);
        }
      }
    }
    assertTrue(worst < 1e-11, "worst relative error " + worst);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 6, 1000})
  void rejectsSizesThatAreNotPowersOfTwo(int nFft) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new BatchedPowerSpectrum(nFft, new double[1], 0, 4));
    assertTrue(e.getMessage().contains("power of two"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5})
  void rejectsCountsOutsideTheBatch(int count) {
    BatchedPowerSpectrum spectra = new BatchedPowerSpectrum(8, new double[8], 0, 4);
    assertThrows(IllegalArgumentException.class, () -> spectra.compute(new double[64], 0, 1, count));
  }

  /** {@code |sum_i x[i] exp(-2 pi i k i / n)|^2} for {@code k = 0..n/2}, summed directly. */
  private static double[] directPower(double[] x) {
    int n = x.length;
    double[] power = new double[n / 2 + 1];
    for (int k = 0; k <= n / 2; k++) {
      double re = 0;
      double im = 0;
      for (int i = 0; i < n; i++) {
        double angle = 2 * Math.PI * ((long) k * i % n) / n;
        re += x[i] * Math.cos(angle);
        im -= x[i] * Math.sin(angle);
      }
      power[k] = re * re + im * im;
    }
    return power;
  }
}
