package org.melforge.eval.audio;

import java.util.List;
import org.melforge.dsp.LogMelSpectrogram;
import org.melforge.dsp.MelSettings;
import org.melforge.dsp.MelWindow;
import org.melforge.dsp.MelWindows;

/** Test signals and their stored tensors, computed with the features job's own code. */
final class Tones {

  private Tones() {}

  /** A sine of amplitude 0.5. */
  static float[] sine(double hz, int samples, int sampleRate) {
    float[] out = new float[samples];
    for (int i = 0; i < samples; i++) {
      out[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / sampleRate));
    }
    return out;
  }

  /** The first stored window of {@code frames} frames, as the features job writes it. */
  static MelWindow firstWindow(float[] samples, MelSettings settings, int frames) {
    return MelWindows.first(new LogMelSpectrogram(settings).decibels(samples), frames).get(0);
  }

  /** Every stored window of {@code frames} frames. */
  static List<MelWindow> windows(float[] samples, MelSettings settings, int frames) {
    return MelWindows.consecutive(new LogMelSpectrogram(settings).decibels(samples), frames);
  }
}
