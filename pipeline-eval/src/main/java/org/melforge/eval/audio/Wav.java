package org.melforge.eval.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Mono 16-bit PCM RIFF/WAVE files: a 44-byte header ({@code RIFF} chunk, 16-byte {@code fmt }
 * chunk of format 1, {@code data} chunk) followed by little-endian samples.
 */
public final class Wav {

  /** Largest peak written, -1 dBFS: louder input is scaled down to it. */
  public static final double PEAK = Math.pow(10.0, -1.0 / 20.0);
  /** Full scale of a 16-bit sample: {@code x} is written as {@code round(x * FULL_SCALE)}. */
  public static final int FULL_SCALE = 32767;

  private static final int HEADER_BYTES = 44;
  private static final int MAX_SAMPLES = (Integer.MAX_VALUE - HEADER_BYTES) / Short.BYTES;

  private Wav() {}

  /**
   * Encodes samples as a 16-bit mono WAV file. Samples whose peak {@code max |x|} is above
   * {@link #PEAK} are all multiplied by {@code PEAK / max |x|} first, so that nothing clips;
   * quieter input is written as it is.
   *
   * @param samples finite values, full scale 1
   * @param sampleRate samples per second, positive
   * @return the file's bytes, {@code 44 + 2 * samples.length} of them
   * @throws IllegalArgumentException if a sample is NaN or infinite, the sample rate is not
   *     positive, or there are more samples than a WAV file can hold
   */
  public static byte[] encode(float[] samples, int sampleRate) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
    }
    if (samples.length > MAX_SAMPLES) {
      throw new IllegalArgumentException(
          samples.length + " samples are more than a WAV file holds (" + MAX_SAMPLES + ")");
    }
    double peak = peak(samples);
    double gain = peak > PEAK ? PEAK / peak : 1.0;
    ByteBuffer out = header(samples.length, sampleRate);
    for (float x : samples) {
      out.putShort((short) Math.round(x * gain * FULL_SCALE));
    }
    return out.array();
  }

  /** Largest absolute value; fails on a non-finite sample. */
  static double peak(float[] samples) {
    double peak = 0.0;
    for (int i = 0; i < samples.length; i++) {
      if (!Float.isFinite(samples[i])) {
        throw new IllegalArgumentException("sample " + i + " is not finite: " + samples[i]);
      }
      peak = Math.max(peak, Math.abs(samples[i]));
    }
    return peak;
  }

  private static ByteBuffer header(int samples, int sampleRate) {
    int dataBytes = samples * Short.BYTES;
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(HEADER_BYTES - 8 + dataBytes);
    out.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    out.putShort((short) 1).putShort((short) 1);
    out.putInt(sampleRate).putInt(sampleRate * Short.BYTES);
    out.putShort((short) Short.BYTES).putShort((short) Short.SIZE);
    out.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    return out;
  }
}
