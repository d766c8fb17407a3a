package org.melforge.eval.audio;

import org.melforge.dsp.MelSettings;

/**
 * Test reference: the centred STFT magnitude by a direct DFT, independent of JTransforms and of
 * {@link GriffinLim}'s framing code. Frame {@code t} is samples {@code t * hop - nFft/2 ...} of the
 * signal, reflected at the ends (numpy {@code 'reflect'}), times a periodic Hann window of
 * {@code winLength} centred in {@code nFft}.
 */
final class ReferenceStft {

  private final MelSettings settings;
  private final double[] cos;
  private final double[] sin;

  ReferenceStft(MelSettings settings) {
    this.settings = settings;
    int n = settings.nFft();
    cos = new double[n];
    sin = new double[n];
    for (int i = 0; i < n; i++) {
      cos[i] = Math.cos(2 * Math.PI * i / n);
      sin[i] = Math.sin(2 * Math.PI * i / n);
    }
  }

  /** {@code |X|}, {@code [nFft/2 + 1][1 + samples.length / hop]}. */
  double[][] magnitude(float[] samples) {
    int n = settings.nFft();
    int hop = settings.hopLength();
    int frames = 1 + samples.length / hop;
    int offset = (n - settings.winLength()) / 2;
    double[][] out = new double[n / 2 + 1][frames];
    double[] frame = new double[settings.winLength()];
    for (int t = 0; t < frames; t++) {
      for (int j = 0; j < frame.length; j++) {
        double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * j / frame.length);
        frame[j] = w * samples[reflect(t * hop - n / 2 + offset + j, samples.length)];
      }
      for (int k = 0; k <= n / 2; k++) {
        double re = 0;
        double im = 0;
        for (int j = 0; j < frame.length; j++) {
          int phase = (int) ((long) k * (offset + j) % n);
          re += frame[j] * cos[phase];
          im -= frame[j] * sin[phase];
        }
        out[k][t] = Math.hypot(re, im);
      }
    }
    return out;
  }

  /** Frequency in Hz of the largest bin of the mean power spectrum over all frames. */
  double dominantFrequency(float[] samples) {
    double[][] magnitude = magnitude(samples);
    int best = 0;
    double bestPower = -1;
    for (int k = 0; k < magnitude.length; k++) {
      double power = 0;
      for (double m : magnitude[k]) {
        power += m * m;
      }
      if (power > bestPower) {
        bestPower = power;
        best = k;
      }
    }
    return (double) best * settings.sampleRate() / settings.nFft();
  }

  /** Spectral convergence {@code ||(|STFT(samples)| - target)|| / ||target||} (Frobenius). */
  double spectralConvergence(float[] samples, double[][] target) {
    double[][] magnitude = magnitude(samples);
    double error = 0;
    double norm = 0;
    for (int k = 0; k < target.length; k++) {
      for (int t = 0; t < target[k].length; t++) {
        double d = magnitude[k][t] - target[k][t];
        error += d * d;
        norm += target[k][t] * target[k][t];
      }
    }
    return Math.sqrt(error / norm);
  }

  /** numpy's {@code 'reflect'} extension, reflecting until the index falls inside. */
  private static int reflect(int i, int n) {
    while (i < 0 || i >= n) {
      i = i < 0 ? -i : 2 * (n - 1) - i;
    }
    return i;
  }
}
