package org.melforge.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogMelSpectrogramTest {

  @ParameterizedTest
  @ValueSource(ints = {1024, 400})
  void paddedPeriodicHannWindowMatchesReference(int win) {
    MelSettings settings = new MelSettings(16000, 1024, win, 160, 64, 0, 8000, MelScale.SLANEY);
    double[] expected = DspReferences.load("window_win" + win + "_nfft1024.npy").data();
    assertArrayEquals(expected, new LogMelSpectrogram(settings).paddedWindow(), 1e-15);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
      "chirp, nsynth, slaney", "chirp, nsynth, htk", "chirp, speech, slaney", "chirp, speech, htk",
      "tone, nsynth, slaney", "tone, nsynth, htk", "tone, speech, slaney", "tone, speech, htk"})
  void decibelsMatchFloat64Reference(String signal, String profile, String scale) {
    float[] samples = DspReferences.signal(signal);
    double[][] expected = DspReferences.matrix("db_" + signal + "_" + profile + "_" + scale + ".npy");
    MelSettings settings = DspReferences.profile(profile, scale);

    double[][] actual = new LogMelSpectrogram(settings).decibels(samples);

    assertEquals(settings.nMels(), actual.length);
    assertEquals(expected[0].length, actual[0].length);
    double maxErr = 0;
    for (int m = 0; m < expected.length; m++) {
      for (int t = 0; t < expected[m].length; t++) {
        maxErr = Math.max(maxErr, Math.abs(actual[m][t] - expected[m][t]));
      }
    }
    System.out.printf("log-mel %s/%s/%s: max |error| %.3g dB%n", signal, profile, scale, maxErr);
    assertTrue(maxErr <= 1e-2, "max dB error " + maxErr);
  }

  @ParameterizedTest
  @ValueSource(ints = {513, 514, 1000, 16000, 16001, 63708, 64000})
  void frameCountIsOnePlusSamplesOverHop(int samples) {
    float[] clip = noise(samples, 1);
    for (MelSettings settings : new MelSettings[] {MelSettings.nsynth(), MelSettings.speech()}) {
      int expected = 1 + samples / settings.hopLength();
      assertEquals(expected, settings.frameCount(samples));
      double[][] power = new LogMelSpectrogram(settings).power(clip);
      assertEquals(settings.nMels(), power.length);
      for (double[] row : power) {
        assertEquals(expected, row.length);
      }
    }
  }

  @Test
  void decibelsAreClippedToMinus80And0WithTheMaximumAt0() {
    float[] clip = DspReferences.signal("tone");
    double[][] db = new LogMelSpectrogram(MelSettings.speech()).decibels(clip);
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (double[] row : db) {
      for (double v : row) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    assertEquals(0.0, max);
    assertEquals(-80.0, min);
  }

  @Test
  void decibelsAreRelativeToTheWholeClipMaximum() {
    LogMelSpectrogram logMel = new LogMelSpectrogram(MelSettings.nsynth());
    float[] clip = noise(20000, 3);
    float[] louder = clip.clone();
    for (int i = 0; i < louder.length; i++) {
      louder[i] *= 8;
    }
    double[][] a = logMel.decibels(clip);
    double[][] b = logMel.decibels(louder);
    for (int m = 0; m < a.length; m++) {
      assertArrayEquals(a[m], b[m], 1e-9, "scaling the clip must not change relative dB");
    }
    double[][] power = logMel.power(clip);
    double maxPower = Arrays.stream(power).flatMapToDouble(Arrays::stream).max().orElseThrow();
    assertEquals(Math.max(-80, 10 * Math.log10(power[5][7] / maxPower)), a[5][7], 1e-9);
  }

  @Test
  void silentClipIsZeroDecibelsLikeLibrosa() {
    double[][] db = new LogMelSpectrogram(MelSettings.nsynth()).decibels(new float[4000]);
    for (double[] row : db) {
      for (double v : row) {
        assertEquals(0.0, v);
      }
    }
  }

  @Test
  void reusedInstanceGivesTheSameResultsAsFreshOnes() {
    MelSettings settings = MelSettings.speech();
    LogMelSpectrogram reused = new LogMelSpectrogram(settings);
    float[] longClip = noise(48000, 11);
    float[] shortClip = noise(3000, 12);
    reused.decibels(longClip);
    double[][] again = reused.decibels(shortClip);
    double[][] fresh = new LogMelSpectrogram(settings).decibels(shortClip);
    for (int m = 0; m < fresh.length; m++) {
      assertArrayEquals(fresh[m], again[m], 0.0);
    }
  }

  @Test
  void clipsShorterThanHalfAnFftPlusOneAreRejected() {
    LogMelSpectrogram logMel = new LogMelSpectrogram(MelSettings.nsynth());
    ClipTooShortException e =
        assertThrows(ClipTooShortException.class, () -> logMel.decibels(new float[512]));
    assertEquals(512, e.samples());
    assertEquals(513, e.minimumSamples());
    assertTrue(e.getMessage().contains("512") && e.getMessage().contains("513"), e.getMessage());
    assertTrue(IllegalArgumentException.class.isInstance(e));
    assertThrows(ClipTooShortException.class, () -> logMel.power(new float[0]));
    assertEquals(3, logMel.power(noise(513, 5))[0].length);
  }

  @Test
  void nonFiniteSamplesAreRejected() {
    float[] clip = noise(2000, 9);
    clip[1234] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LogMelSpectrogram(MelSettings.nsynth()).decibels(clip));
    assertTrue(e.getMessage().contains("1234"), e.getMessage());
  }

  static float[] noise(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.1 * random.nextGaussian());
    }
    return x;
  }
}
