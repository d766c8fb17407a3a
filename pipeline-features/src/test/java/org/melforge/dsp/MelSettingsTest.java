package org.melforge.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MelSettingsTest {

  @Test
  void profilesHaveTheSpecifiedSettings() {
    assertEquals(new MelSettings(16000, 1024, 1024, 256, 80, 0, 8000, MelScale.SLANEY),
        MelSettings.nsynth());
    assertEquals(new MelSettings(16000, 1024, 400, 160, 128, 0, 8000, MelScale.SLANEY),
        MelSettings.speech());
    assertEquals(513, MelSettings.speech().nFreqs());
    assertEquals(251, MelSettings.nsynth().frameCount(64000));
    assertEquals(401, MelSettings.speech().frameCount(64000));
    assertEquals(MelScale.HTK, MelSettings.nsynth().withMelScale(MelScale.HTK).melScale());
  }

  @Test
  void invalidSettingsNameTheFieldAndValue() {
    assertMessage(() -> new MelSettings(0, 1024, 1024, 256, 80, 0, 8000, MelScale.SLANEY),
        "sampleRate", "0");
    assertMessage(() -> new MelSettings(16000, -2, 400, 160, 80, 0, 8000, MelScale.SLANEY),
        "nFft", "-2");
    assertMessage(() -> new MelSettings(16000, 1023, 400, 160, 80, 0, 8000, MelScale.SLANEY),
        "nFft", "1023");
    assertMessage(() -> new MelSettings(16000, 1000, 400, 160, 80, 0, 8000, MelScale.SLANEY),
        "nFft", "power of two", "1000");
    assertMessage(() -> new MelSettings(16000, 1024, 1025, 256, 80, 0, 8000, MelScale.SLANEY),
        "winLength", "1025");
    assertMessage(() -> new MelSettings(16000, 1024, 0, 256, 80, 0, 8000, MelScale.SLANEY),
        "winLength", "0");
    assertMessage(() -> new MelSettings(16000, 1024, 400, 0, 80, 0, 8000, MelScale.SLANEY),
        "hopLength", "0");
    assertMessage(() -> new MelSettings(16000, 1024, 400, 160, -1, 0, 8000, MelScale.SLANEY),
        "nMels", "-1");
    assertMessage(() -> new MelSettings(16000, 1024, 400, 160, 80, -5, 8000, MelScale.SLANEY),
        "fMin", "-5.0");
    assertMessage(() -> new MelSettings(16000, 1024, 400, 160, 80, 0, 8001, MelScale.SLANEY),
        "fMax", "8001.0");
    assertMessage(() -> new MelSettings(16000, 1024, 400, 160, 80, 0, Double.NaN, MelScale.SLANEY),
        "fMax", "NaN");
    assertMessage(() -> new MelSettings(16000, 1024, 400, 160, 80, 4000, 4000, MelScale.SLANEY),
        "fMin", "4000.0");
    assertMessage(() -> new MelSettings(16000, 1024, 400, 160, 80, 0, 8000, null), "melScale");
  }

  @Test
  void melScaleParsesCaseInsensitively() {
    assertEquals(MelScale.SLANEY, MelScale.parse("slaney"));
    assertEquals(MelScale.SLANEY, MelScale.parse("Slaney"));
    assertEquals(MelScale.HTK, MelScale.parse("HTK"));
    assertEquals(MelScale.HTK, MelScale.parse("htk"));
    assertMessage(() -> MelScale.parse("mel"), "'mel'", "'slaney'", "'htk'");
    assertMessage(() -> MelScale.parse(null), "'slaney'", "'htk'");
  }

  @Test
  void melScalesRoundTripAndMatchTheirDefinitions() {
    assertEquals(1000.0, MelScale.HTK.hzToMel(1000.0), 0.05);
    assertEquals(2595.0 * Math.log10(1 + 8000 / 700.0), MelScale.HTK.hzToMel(8000), 1e-9);
    assertEquals(15.0, MelScale.SLANEY.hzToMel(1000.0), 1e-12);
    assertEquals(7.5, MelScale.SLANEY.hzToMel(500.0), 1e-12);
    assertEquals(15 + 27 * Math.log(8) / Math.log(6.4), MelScale.SLANEY.hzToMel(8000), 1e-12);
    for (MelScale scale : MelScale.values()) {
      for (double hz : new double[] {0, 123.4, 999.9, 1000, 1000.1, 4321, 8000}) {
        assertEquals(hz, scale.melToHz(scale.hzToMel(hz)), 1e-9 * Math.max(1, hz));
      }
    }
  }

  private static void assertMessage(Executable call, String... parts) {
    Exception e = assertThrows(IllegalArgumentException.class, call);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
  }
}
