package org.melforge.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.melforge.audio.Fixtures.assertMatches;
import static org.melforge.audio.Fixtures.npy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.melforge.tensorstore.Npy;

class ResamplerTest {

  @ParameterizedTest(name = "{0} -> 16000")
  @ValueSource(ints = {44100, 22050, 48000, 8000, 24000})
  void matchesTorchaudio(int fromRate) throws Exception {
    Npy.Array in = npy("resample_in_" + fromRate + ".npy");
    Npy.Array expected = npy("resample_" + fromRate + "_to_16000.npy");
    float[] x = new float[in.data().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) in.data()[i];
    }

    float[] y = Resampler.resample(x, fromRate, 16000);

    assertEquals((int) Math.ceil(16000.0 * x.length / fromRate), y.length);
    assertMatches(expected.data(), y, 1e-5);
  }

  /** torchaudio on float64 input: the float32 reference above carries torchaudio's own float32 error. */
  @ParameterizedTest(name = "{0} -> 16000")
  @ValueSource(ints = {44100, 22050})
  void matchesTorchaudioInDoublePrecision(int fromRate) throws Exception {
    Npy.Array in = npy("resample_in_" + fromRate + ".npy");
    Npy.Array expected = npy("resample_" + fromRate + "_to_16000_f64.npy");
    float[] x = new float[in.data().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) in.data()[i];
    }

    assertMatches(expected.data(), Resampler.resample(x, fromRate, 16000), 1e-7);
  }

  @Test
  void sameRateReturnsTheInput() {
    float[] x = {0.1f, -0.2f, 0.3f};
    assertSame(x, Resampler.resample(x, 16000, 16000));
  }

  @Test
  void sineKeepsItsFrequencyAndAmplitude() {
    int n = 44100;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / 44100.0));
    }

    float[] y = Resampler.resample(x, 44100, 16000);

    assertEquals(16000, y.length);
    // Least-squares fit of a*sin + b*cos at 1 kHz and 1.05 kHz over the interior (edges are zero-padded).
    double[] at1k = fit(y, 1000, 1000, 15000);
    double[] at1050 = fit(y, 1050, 1000, 15000);
    assertEquals(0.5, Math.hypot(at1k[0], at1k[1]), 0.005);
    assertEquals(0.0, Math.hypot(at1050[0], at1050[1]), 0.005);
    double residual = 0;
    for (int i = 1000; i < 15000; i++) {
      double w = 2 * Math.PI * 1000 * i / 16000.0;
      double r = y[i] - at1k[0] * Math.sin(w) - at1k[1] * Math.cos(w);
      residual = Math.max(residual, Math.abs(r));
    }
    assertEquals(0.0, residual, 1e-3);
  }

  @Test
  void emptyInputGivesEmptyOutput() {
    assertEquals(0, Resampler.resample(new float[0], 48000, 16000).length);
  }

  @Test
  void rejectsNonPositiveRates() {
    assertThrows(IllegalArgumentException.class, () -> Resampler.resample(new float[1], 0, 16000));
  }

  private static double[] fit(float[] y, double freq, int from, int to) {
    double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
    for (int i = from; i < to; i++) {
      double w = 2 * Math.PI * freq * i / 16000.0;
      double s = Math.sin(w), c = Math.cos(w);
      ss += s * s;
      cc += c * c;
      sc += s * c;
      ys += y[i] * s;
      yc += y[i] * c;
    }
    double det = ss * cc - sc * sc;
    return new double[] {(ys * cc - yc * sc) / det, (yc * ss - ys * sc) / det};
  }
}
