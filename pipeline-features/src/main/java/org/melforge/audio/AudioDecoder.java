package org.melforge.audio;

import org.melforge.audio.AudioDecodeException.Reason;

/**
 * Decodes WAV and FLAC files held in memory into float samples.
 *
 * <p>The container is detected from the leading bytes, never from a file name: {@code RIFF....WAVE}
 * is WAV, {@code fLaC} is FLAC (also after an ID3v2 tag). Zero-length input is
 * {@link Reason#EMPTY}; Ogg, AIFF, RF64/RIFX and ID3-tagged non-FLAC files are recognised as
 * {@link Reason#UNSUPPORTED_FORMAT}; anything else is {@link Reason#NOT_AUDIO}.
 *
 * <p>Integer samples are scaled by {@code 2^-(bits-1)} (8-bit WAV, which is unsigned, as
 * {@code (u - 128) / 128}); 32-bit float WAV samples are returned as stored. Damaged input is never
 * padded or partially returned: it fails with {@link Reason#TRUNCATED} or {@link Reason#DECODE_FAILED}.
 * See {@code WavDecoder} for how streamed WAV files with unset size fields are read.
 */
public final class AudioDecoder {

  private AudioDecoder() {}

  /** Decodes a whole WAV or FLAC file into one float array per channel. */
  public static DecodedAudio decode(byte[] bytes) throws AudioDecodeException {
    if (bytes.length == 0) {
      throw new AudioDecodeException(Reason.EMPTY, "input is 0 bytes long");
    }
    if (startsWith(bytes, 0, "RIFF")) {
      if (bytes.length >= 12 && !startsWith(bytes, 8, "WAVE")) {
        throw new AudioDecodeException(Reason.NOT_AUDIO,
            "RIFF file of form type '" + printable(bytes, 8, 4) + "', not WAVE");
      }
      return WavDecoder.decode(bytes);
    }
    if (startsWith(bytes, 0, "fLaC")) {
      return FlacDecoder.decode(bytes, 0);
    }
    if (startsWith(bytes, 0, "ID3")) {
      return FlacDecoder.decode(bytes, flacAfterId3(bytes));
    }
    if ((startsWith(bytes, 0, "RF64") || startsWith(bytes, 0, "RIFX")) && startsWith(bytes, 8, "WAVE")) {
      throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT,
          printable(bytes, 0, 4) + " WAVE files are not supported (only little-endian RIFF WAVE)");
    }
    if (startsWith(bytes, 0, "OggS")) {
      throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT, "Ogg container (Vorbis, Opus or Ogg FLAC) is not supported");
    }
    if (startsWith(bytes, 0, "FORM") && (startsWith(bytes, 8, "AIFF") || startsWith(bytes, 8, "AIFC"))) {
      throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT, "AIFF files are not supported");
    }
    throw new AudioDecodeException(Reason.NOT_AUDIO, "not a WAV or FLAC file: starts with "
        + printable(bytes, 0, Math.min(8, bytes.length)) + " (" + bytes.length + " bytes)");
  }

  /**
   * Decodes a file to mono at {@code targetRate}: several channels are averaged, and the result is
   * resampled with {@link Resampler} when the file's rate differs. A mono file at the target rate is
   * returned without copying.
   */
  public static MonoAudio decodeMono(byte[] bytes, int targetRate) throws AudioDecodeException {
    if (targetRate <= 0) {
      throw new IllegalArgumentException("target rate must be positive: " + targetRate);
    }
    DecodedAudio audio = decode(bytes);
    SourceFormat format = audio.format();
    float[] mono = downmix(audio.channels());
    float[] samples = Resampler.resample(mono, format.sampleRate(), targetRate);
    return new MonoAudio(samples, targetRate, format);
  }

  private static float[] downmix(float[][] channels) {
    if (channels.length == 1) {
      return channels[0];
    }
    int n = channels[0].length;
    float[] mono = new float[n];
    double inverse = 1.0 / channels.length;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (float[] channel : channels) {
        sum += channel[i];
      }
      mono[i] = (float) (sum * inverse);
    }
    return mono;
  }

  /** Offset of the {@code fLaC} marker after a leading ID3v2 tag (header, syncsafe size, footer). */
  private static int flacAfterId3(byte[] b) throws AudioDecodeException {
    if (b.length < 10) {
      throw new AudioDecodeException(Reason.TRUNCATED, "file ends inside its 10-byte ID3v2 header");
    }
    long size = 0;
    for (int i = 6; i < 10; i++) {
      size = size << 7 | (b[i] & 0x7F);
    }
    long end = 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
    if (end + 4 > b.length) {
      throw new AudioDecodeException(Reason.TRUNCATED, String.format(
          "ID3v2 tag declares %d bytes but the file ends after %d", end, b.length));
    }
    if (!startsWith(b, (int) end, "fLaC")) {
      throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT,
          "ID3-tagged file whose audio is not FLAC (probably MP3): after the tag comes "
              + printable(b, (int) end, 4));
    }
    return (int) end;
  }

  private static boolean startsWith(byte[] b, int offset, String magic) {
    if (offset + magic.length() > b.length) {
      return false;
    }
    for (int i = 0; i < magic.length(); i++) {
      if (b[offset + i] != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The bytes as text where printable ASCII, otherwise as hex, for error messages. */
  private static String printable(byte[] b, int offset, int n) {
    StringBuilder text = new StringBuilder();
    StringBuilder hex = new StringBuilder("0x");
    boolean ascii = true;
    for (int i = offset; i < offset + n; i++) {
      ascii &= b[i] >= 0x20 && b[i] < 0x7F;
      text.append((char) b[i]);
      hex.append(String.format("%02X", b[i]));
    }
    return ascii ? "\"" + text + "\"" : hex.toString();
  }
}
