package org.melforge.eval.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.melforge.dsp.MelSettings;
import org.melforge.dsp.MelWindow;

class SonifierTest {

  /**
   * Times the second inversion on one {@link Sonifier} (the first computes the pseudo-inverse and
   * warms the JIT). Measured on 2 busy cores, fresh JVM: pseudo-inverse 0.3 s, first call 0.55-0.65
   * s, later calls 0.19-0.3 s.
   */
  @Test
  void invertsAFullSpeechWindowInWellUnderFiveSeconds() throws Exception {
    MelSettings settings = MelSettings.speech();
    MelWindow window = Tones.firstWindow(chord(16000 * 4), settings, 320);
    assertEquals(320, window.validFrames());
    Sonifier sonifier = new Sonifier(settings);
    sonifier.wav(window.values(), 128, 320, 320);
    long start = System.nanoTime();
    byte[] wav = sonifier.wav(window.values(), 128, 320, 320);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 5.0, "took " + seconds + " s");
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
      assertEquals(16000f, in.getFormat().getSampleRate());
      assertEquals(319 * 160, in.getFrameLength());
    }
  }

  @Test
  void samplesPeakAtMinusOneDbfsAndKeepTheTone() {
    MelSettings settings = MelSettings.nsynth();
    MelWindow window = Tones.firstWindow(Tones.sine(1000, 48000, 16000), settings, 128);
    float[] samples = new Sonifier(settings).samples(window.values(), 80, 128, 128);
    assertEquals(127 * 256, samples.length);
    assertEquals(Math.pow(10, -1 / 20.0), Wav.peak(samples), 1e-6);
    assertEquals(1000, new ReferenceStft(settings).dominantFrequency(samples), 16000 / 1024.0);
  }

  @Test
  void rejectsATensorOfOtherSettings() {
    assertThrows(IllegalArgumentException.class,
        () -> new Sonifier(MelSettings.speech()).wav(new float[80 * 128], 80, 128, 128));
  }

  /** Three harmonics of 220 Hz with a slow amplitude swell. */
  private static float[] chord(int samples) {
    float[] out = new float[samples];
    for (int i = 0; i < samples; i++) {
      double t = i / 16000.0;
      double swell = 0.5 + 0.4 * Math.sin(2 * Math.PI * 0.5 * t);
      out[i] = (float) (swell * (0.4 * Math.sin(2 * Math.PI * 220 * t)
          + 0.2 * Math.sin(2 * Math.PI * 440 * t) + 0.1 * Math.sin(2 * Math.PI * 660 * t)));
    }
    return out;
  }
}
