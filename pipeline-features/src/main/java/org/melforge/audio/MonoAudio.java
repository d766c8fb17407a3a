package org.melforge.audio;

/**
 * A mono signal at a target sample rate, with the format of the file it came from.
 *
 * @param samples float samples, nominally in [-1, 1]
 * @param sampleRate the rate of {@code samples}
 * @param source the format of the source file before downmixing and resampling
 */
public record MonoAudio(float[] samples, int sampleRate, SourceFormat source) {

  /** Whether the source had to be downmixed (not mono) or resampled (another rate). */
  public boolean converted() {
    return source.channels() != 1 || source.sampleRate() != sampleRate;
  }
}
