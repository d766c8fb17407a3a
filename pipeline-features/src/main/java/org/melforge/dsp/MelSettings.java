package org.melforge.dsp;

/**
 * Settings of a log-mel spectrogram: framing (periodic Hann window of {@code winLength} samples
 * centred in {@code nFft}, frames every {@code hopLength} samples, centred with reflect padding)
 * and the mel filterbank ({@code nMels} triangular filters from {@code fMin} to {@code fMax} Hz on
 * {@code melScale}).
 *
 * @param sampleRate samples per second of the input
 * @param nFft FFT size; a power of two, at least 2
 * @param winLength Hann window length, at most {@code nFft}
 * @param hopLength samples between frame starts
 * @param nMels number of mel filters
 * @param fMin lowest filter edge in Hz, at least 0
 * @param fMax highest filter edge in Hz, above {@code fMin} and at most {@code sampleRate / 2}
 * @param melScale mel scale and normalisation of the filters
 */
public record MelSettings(int sampleRate, int nFft, int winLength, int hopLength, int nMels,
    double fMin, double fMax, MelScale melScale) implements java.io.Serializable {

  /** Validates every field; messages name the field and the offending value. */
  public MelSettings {
    positive("sampleRate", sampleRate);
    positive("nFft", nFft);
    if (nFft < 2 || Integer.bitCount(nFft) != 1) {
      throw new IllegalArgumentException("nFft must be a power of two >= 2, got " + nFft);
    }
    positive("winLength", winLength);
    if (winLength > nFft) {
      throw new IllegalArgumentException(
          "winLength must be at most nFft (" + nFft + "), got " + winLength);
    }
    positive("hopLength", hopLength);
    positive("nMels", nMels);
    if (!(fMin >= 0) || Double.isInfinite(fMin)) {
      throw new IllegalArgumentException("fMin must be a finite value >= 0 Hz, got " + fMin);
    }
    if (!(fMax <= sampleRate / 2.0)) {
      throw new IllegalArgumentException(
          "fMax must be at most sampleRate/2 (" + sampleRate / 2.0 + " Hz), got " + fMax);
    }
    if (!(fMin < fMax)) {
      throw new IllegalArgumentException(
          "fMin (" + fMin + " Hz) must be below fMax (" + fMax + " Hz)");
    }
    if (melScale == null) {
      throw new IllegalArgumentException("melScale must not be null");
    }
  }

  /**
   * The NSynth profile: 16 kHz, {@code nFft} 1024, window 1024, hop 256, 80 mels from 0 to 8000 Hz,
   * Slaney scale.
   */
  public static MelSettings nsynth() {
    return new MelSettings(16000, 1024, 1024, 256, 80, 0.0, 8000.0, MelScale.SLANEY);
  }

  /**
   * The speech profile: 16 kHz, {@code nFft} 1024, window 400 (25 ms), hop 160 (10 ms), 128 mels
   * from 0 to 8000 Hz, Slaney scale.
   */
  public static MelSettings speech() {
    return new MelSettings(16000, 1024, 400, 160, 128, 0.0, 8000.0, MelScale.SLANEY);
  }

  /** The same settings on another mel scale. */
  public MelSettings withMelScale(MelScale scale) {
    return new MelSettings(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, scale);
  }

  /** Number of one-sided FFT bins, {@code nFft/2 + 1}. */
  public int nFreqs() {
    return nFft / 2 + 1;
  }

  /** Number of centred frames for a clip of {@code samples} samples: {@code 1 + samples / hopLength}. */
  public int frameCount(int samples) {
    return 1 + samples / hopLength;
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
  }
}
