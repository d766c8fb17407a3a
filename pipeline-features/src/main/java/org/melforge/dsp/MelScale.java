package org.melforge.dsp;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The mel scale of a triangular filterbank, with the filter normalisation that goes with it by
 * convention.
 */
public enum MelScale {
  /**
   * Slaney's scale (linear below 1 kHz, logarithmic above) with Slaney area normalisation: each
   * filter is scaled by {@code 2 / (f[i+2] - f[i])}. Equals {@code librosa.filters.mel} defaults
   * ({@code htk=False, norm='slaney'}).
   */
  SLANEY,
  /**
   * The HTK scale {@code 2595 log10(1 + f/700)} without normalisation (peak weight 1). Equals the
   * {@code torchaudio.functional.melscale_fbanks} default.
   */
  HTK;

  private static final double SLANEY_HZ_PER_MEL = 200.0 / 3;
  private static final double SLANEY_MIN_LOG_HZ = 1000.0;
  private static final double SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_HZ_PER_MEL;
  private static final double SLANEY_LOG_STEP = Math.log(6.4) / 27.0;

  /**
   * Parses {@code "slaney"} or {@code "htk"}, ignoring case.
   *
   * @throws IllegalArgumentException for any other text, naming the allowed values
   */
  public static MelScale parse(String text) {
    if (text != null) {
      for (MelScale scale : values()) {
        if (scale.name().equalsIgnoreCase(text.trim())) {
          return scale;
        }
      }
    }
    String allowed = Arrays.stream(values())
        .map(s -> "'" + s.name().toLowerCase(Locale.ROOT) + "'")
        .collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        "unknown mel scale '" + text + "' (allowed, case-insensitive: " + allowed + ")");
  }

  /** Converts a frequency in Hz to mels on this scale. */
  double hzToMel(double hz) {
    if (this == HTK) {
      return 2595.0 * Math.log10(1.0 + hz / 700.0);
    }
    if (hz >= SLANEY_MIN_LOG_HZ) {
      return SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOG_STEP;
    }
    return hz / SLANEY_HZ_PER_MEL;
  }

  /** Converts mels on this scale to a frequency in Hz. */
  double melToHz(double mel) {
    if (this == HTK) {
      return 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
    }
    if (mel >= SLANEY_MIN_LOG_MEL) {
      return SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_MIN_LOG_MEL));
    }
    return SLANEY_HZ_PER_MEL * mel;
  }
}
