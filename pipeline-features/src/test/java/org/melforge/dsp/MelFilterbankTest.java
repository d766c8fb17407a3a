package org.melforge.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MelFilterbankTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"nsynth, slaney", "nsynth, htk", "speech, slaney", "speech, htk"})
  void matchesLibrosaReference(String profile, String scale) {
    MelSettings settings = DspReferences.profile(profile, scale);
    double[][] expected = DspReferences.matrix("melfb_" + profile + "_" + scale + ".npy.gz");
    double[][] actual = MelFilterbank.create(settings).weights();

    assertEquals(settings.nMels(), actual.length);
    double peak = 0;
    for (double[] row : expected) {
      for (double v : row) {
        peak = Math.max(peak, v);
      }
    }
    double maxRel = 0;
    for (int m = 0; m < expected.length; m++) {
      assertEquals(settings.nFreqs(), actual[m].length);
      for (int k = 0; k < expected[m].length; k++) {
        double err = Math.abs(actual[m][k] - expected[m][k]);
        if (err > 1e-9 * Math.abs(expected[m][k]) + 1e-15 * peak) {
          fail("weight [" + m + "][" + k + "] " + actual[m][k] + " vs " + expected[m][k]);
        }
        if (expected[m][k] != 0) {
          maxRel = Math.max(maxRel, err / Math.abs(expected[m][k]));
        }
      }
    }
    System.out.printf("filterbank %s/%s: max relative weight error %.3g%n", profile, scale, maxRel);
  }

  @Test
  void htkPeaksAreOneAndSlaneyFiltersHaveUnitAreaInHz() {
    MelSettings htk = MelSettings.speech().withMelScale(MelScale.HTK);
    for (double[] row : MelFilterbank.create(htk).weights()) {
      double peak = 0;
      for (double v : row) {
        peak = Math.max(peak, v);
      }
      assertTrue(peak > 0.5 && peak <= 1.0, "HTK filter peak " + peak);
    }
    // A triangle with peak 2/(f[i+2]-f[i]) has unit area; sampled every 15.625 Hz the sum
    // times the bin width approximates it for the wide upper filters.
    double[][] slaney = MelFilterbank.create(MelSettings.nsynth()).weights();
    double[] last = slaney[slaney.length - 1];
    double area = 0;
    for (double v : last) {
      area += v * 16000.0 / 1024;
    }
    assertEquals(1.0, area, 0.02);
  }

  @Test
  void sparseApplyEqualsDenseProduct() {
    MelFilterbank fb = MelFilterbank.create(MelSettings.speech());
    double[][] w = fb.weights();
    double[] power = new Random(7).doubles(fb.nFreqs(), 0, 10).toArray();
    double[] mel = new double[fb.nMels()];
    fb.apply(power, mel);
    for (int m = 0; m < w.length; m++) {
      double sum = 0;
      for (int k = 0; k < power.length; k++) {
        sum += w[m][k] * power[k];
      }
      assertEquals(sum, mel[m], 1e-12 * Math.abs(sum));
    }
  }

  @Test
  void weightsIsADefensiveCopy() {
    MelFilterbank fb = MelFilterbank.create(MelSettings.nsynth());
    double[][] first = fb.weights();
    double[][] copy = fb.weights();
    first[10][20] = 123.0;
    assertArrayEquals(copy[10], fb.weights()[10]);
  }

  @Test
  void applyRejectsShortBuffers() {
    MelFilterbank fb = MelFilterbank.create(MelSettings.nsynth());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fb.apply(new double[100], new double[80]));
    assertTrue(e.getMessage().contains("513"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> fb.apply(new double[513], new double[79]));
  }
}
