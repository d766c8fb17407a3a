package org.melforge.eval.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.melforge.dsp.MelFilterbank;
import org.melforge.dsp.MelScale;
import org.melforge.dsp.MelSettings;

class MelInverseTest {

  static Stream<MelSettings> profiles() {
    return Stream.of(MelSettings.nsynth(), MelSettings.speech(),
        MelSettings.speech().withMelScale(MelScale.HTK));
  }

  /** Measured: {@code max |W P W - W|} 5e-17 to 1e-14, with {@code max |W|} 0.03 to 1. */
  @ParameterizedTest
  @MethodSource("profiles")
  void pseudoInverseSatisfiesTheFourPenroseConditions(MelSettings settings) {
    assertPenroseConditions(settings);
  }

  /**
   * 128 HTK filters on 257 bins: the lowest is empty and pairs of the low ones weigh the same
   * single bin, rank 115 (singular values down to 0.05 of the largest, the other 13 below 3e-16).
   */
  @Test
  void rankDeficientFilterbanksGetTheirPseudoInverse() {
    MelSettings settings = new MelSettings(16000, 512, 512, 128, 128, 0.0, 8000.0, MelScale.HTK);
    double[][] wp = multiply(MelFilterbank.create(settings).weights(),
        MelInverse.of(settings).pseudoInverse());
    double trace = IntStream.range(0, wp.length).mapToDouble(i -> wp[i][i]).sum();
    assertEquals(115, trace, 1e-9, "rank, the trace of the projection W P");
    assertPenroseConditions(settings);
  }

  /** Measured within 1e-14 of the largest mel value. */
  @ParameterizedTest
  @MethodSource("profiles")
  void smoothSpectraComeBackWithTheSameMelProjection(MelSettings settings) {
    Random random = new Random(7);
    assertMelRoundTrip(settings, k -> 1.0, 1e-9);
    assertMelRoundTrip(settings, k -> 1.0 / (k + 1), 1e-9);
    assertMelRoundTrip(settings, k -> random.nextDouble(), 1e-9);
  }

  /**
   * A peak 3 bins wide is not in the filters' row space: clamping the negative lobes of its
   * pseudo-inverse costs up to 8% of the largest mel value (measured 5.1% NSynth, 1.6% speech,
   * 1.1% speech on the HTK scale).
   */
  @ParameterizedTest
  @MethodSource("profiles")
  void aNarrowPeakLosesLittleToClamping(MelSettings settings) {
    assertMelRoundTrip(settings, k -> Math.exp(-Math.pow((k - 28.16) / 1.5, 2)), 0.08);
  }

  @Test
  void melPowerUndoesTheStoredScaleAndDropsPadding() {
    MelSettings settings = MelSettings.nsynth();
    int frames = 4;
    float[] stored = {1f, 0f, -1f, -1f};
    float[] tensor = new float[settings.nMels() * frames];
    for (int m = 0; m < settings.nMels(); m++) {
      System.arraycopy(stored, 0, tensor, m * frames, frames);
      tensor[m * frames + 1] = 0.5f - m / 200f;
    }
    double[][] mel = MelInverse.of(settings).melPower(tensor, settings.nMels(), frames, 3);
    assertEquals(settings.nMels(), mel.length);
    for (int m = 0; m < mel.length; m++) {
      double db = ((0.5f - m / 200f) - 1.0) * 40.0;
      assertArrayEquals(new double[] {1.0, Math.pow(10.0, db / 10.0), 1e-8}, mel[m], 1e-12,
          "mel " + m);
    }
  }

  @Test
  void magnitudeIsTheRootOfTheClampedLinearPower() {
    MelSettings settings = MelSettings.speech();
    Random random = new Random(3);
    float[] tensor = new float[settings.nMels() * 6];
    for (int i = 0; i < tensor.length; i++) {
      tensor[i] = random.nextFloat() * 2 - 1;
    }
    MelInverse inverse = MelInverse.of(settings);
    double[][] power = inverse.linearPower(inverse.melPower(tensor, settings.nMels(), 6, 5));
    double[][] magnitude = inverse.magnitude(tensor, settings.nMels(), 6, 5);
    assertEquals(settings.nFreqs(), magnitude.length);
    for (int k = 0; k < magnitude.length; k++) {
      assertEquals(5, magnitude[k].length);
      for (int t = 0; t < 5; t++) {
        assertTrue(power[k][t] >= 0, "clamped");
        assertEquals(power[k][t], magnitude[k][t] * magnitude[k][t], 1e-12 * (1 + power[k][t]));
      }
    }
  }

  @Test
  void oneInstancePerSettings() {
    assertSame(MelInverse.of(MelSettings.speech()), MelInverse.of(MelSettings.speech()));
  }

  @Test
  void rejectsTensorsThatDoNotFit() {
    MelInverse inverse = MelInverse.of(MelSettings.nsynth());
    float[] tensor = new float[80 * 10];
    assertThrows(IllegalArgumentException.class, () -> inverse.melPower(tensor, 128, 10, 10));
    assertThrows(IllegalArgumentException.class, () -> inverse.melPower(tensor, 80, 9, 9));
    assertThrows(IllegalArgumentException.class, () -> inverse.melPower(tensor, 80, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> inverse.melPower(tensor, 80, 10, 11));
    assertThrows(IllegalArgumentException.class, () -> inverse.linearPower(new double[128][3]));
  }

  private static void assertPenroseConditions(MelSettings settings) {
    double[][] w = MelFilterbank.create(settings).weights();
    double[][] p = MelInverse.of(settings).pseudoInverse();
    double[][] wp = multiply(w, p);
    double[][] pw = multiply(p, w);
    assertClose(w, multiply(wp, w), 1e-6, "W P W = W");
    assertClose(p, multiply(pw, p), 1e-6 * maxAbs(p), "P W P = P");
    assertClose(wp, transpose(wp), 1e-9, "W P symmetric");
    assertClose(pw, transpose(pw), 1e-9, "P W symmetric");
  }

  /**
   * The filterbank's mel power of the spectrum {@code power(k)} comes back from
   * {@link MelInverse#linearPower} to a spectrum whose mel power is within {@code tolerance} of it,
   * relative to the largest mel value.
   */
  private static void assertMelRoundTrip(MelSettings settings, IntToDoubleFunction power,
      double tolerance) {
    MelFilterbank filterbank = MelFilterbank.create(settings);
    double[] spectrum = new double[settings.nFreqs()];
    for (int k = 0; k < spectrum.length; k++) {
      spectrum[k] = power.applyAsDouble(k);
    }
    double[] mel = new double[settings.nMels()];
    filterbank.apply(spectrum, mel);
    double[][] column = new double[mel.length][1];
    for (int m = 0; m < mel.length; m++) {
      column[m][0] = mel[m];
    }
    double[][] back = MelInverse.of(settings).linearPower(column);
    double[] backSpectrum = new double[back.length];
    for (int k = 0; k < back.length; k++) {
      backSpectrum[k] = back[k][0];
    }
    double[] melAgain = new double[mel.length];
    filterbank.apply(backSpectrum, melAgain);
    double scale = Arrays.stream(mel).max().orElseThrow();
    assertArrayEquals(mel, melAgain, tolerance * scale);
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < b.length; k++) {
        for (int j = 0; j < b[0].length; j++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  private static double maxAbs(double[][] a) {
    return Stream.of(a).flatMapToDouble(Arrays::stream).map(Math::abs).max()
        .orElseThrow();
  }

  private static void assertClose(double[][] expected, double[][] actual, double tolerance,
      String what) {
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], tolerance, what + ", row " + i);
    }
  }
}
