package org.melforge.audio;

/**
 * The format of an audio file as stored, before any conversion.
 *
 * @param container "wav" or "flac"
 * @param sampleFormat sample coding as stored, e.g. "pcm_u8", "pcm_s16", "pcm_s24", "pcm_s32", "pcm_f32"
 * @param bitsPerSample bits per stored sample (the container size for WAV, e.g. 24 for packed 24-bit)
 * @param channels number of channels
 * @param sampleRate sample frames per second
 * @param frames number of sample frames (samples per channel)
 */
public record SourceFormat(
    String container, String sampleFormat, int bitsPerSample, int channels, int sampleRate, long frames) {

  /** Length in seconds: {@code frames / sampleRate}. */
  public double durationSeconds() {
    return (double) frames / sampleRate;
  }
}
