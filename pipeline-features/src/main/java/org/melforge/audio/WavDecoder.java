package org.melforge.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.melforge.audio.AudioDecodeException.Reason;

/**
 * RIFF/WAVE decoding for {@link AudioDecoder}: integer PCM (u8, s16, s24, s32), 32-bit IEEE float,
 * and WAVE_FORMAT_EXTENSIBLE with a PCM or float sub-format.
 *
 * <p>Streamed output: writers that cannot seek back leave the data size as {@code 0xFFFFFFFF} or
 * {@code 0}. A data size of {@code 0xFFFFFFFF} is read as "to the end of the file". A data size of
 * {@code 0} followed by bytes is read that way only when the RIFF size is unset as well ({@code 0}
 * or {@code 0xFFFFFFFF}); with a finalised RIFF size it is a genuine zero-frame data chunk. In both
 * streamed cases a trailing partial frame is still reported as truncation.
 */
final class WavDecoder {

  private static final int PCM = 0x0001;
  private static final int IEEE_FLOAT = 0x0003;
  private static final int EXTENSIBLE = 0xFFFE;
  private static final long UNSET = 0xFFFFFFFFL;
  /** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE_* GUIDs; bytes 0..1 hold the format tag. */
  private static final byte[] GUID_TAIL = {
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71
  };

  private record Fmt(String sampleFormat, int bits, int channels, int sampleRate, int blockAlign) {}

  private WavDecoder() {}

  static DecodedAudio decode(byte[] b) throws AudioDecodeException {
    if (b.length < 12) {
      throw new AudioDecodeException(Reason.TRUNCATED,
          "file ends after " + b.length + " bytes, inside the 12-byte RIFF/WAVE header");
    }
    long riffSize = u32(b, 4);
    Fmt fmt = null;
    long pos = 12;
    while (pos + 8 <= b.length) {
      int at = (int) pos;
      if (!isChunkId(b, at)) {
        throw new AudioDecodeException(Reason.DECODE_FAILED, String.format(
            "corrupt RIFF structure: unreadable chunk id %s at byte %d", hex(b, at, 4), at));
      }
      String id = new String(b, at, 4, StandardCharsets.US_ASCII);
      long size = u32(b, at + 4);
      int body = at + 8;
      if (id.equals("data")) {
        if (fmt == null) {
          throw new AudioDecodeException(Reason.DECODE_FAILED,
              "data chunk at byte " + at + " comes before any fmt chunk");
        }
        return readData(b, fmt, body, size, riffSize);
      }
      if (body + size > b.length) {
        throw new AudioDecodeException(Reason.TRUNCATED, String.format(
            "'%s' chunk at byte %d declares %d bytes but only %d are present",
            id, at, size, b.length - body));
      }
      if (id.equals("fmt ")) {
        fmt = parseFmt(b, body, (int) size);
      }
      pos = body + size + (size & 1);
    }
    if (pos < b.length || (riffSize != UNSET && riffSize + 8 > b.length)) {
      throw new AudioDecodeException(Reason.TRUNCATED, String.format(
          "file ends after %d bytes, before any data chunk (RIFF header declares %d bytes)",
          b.length, riffSize + 8));
    }
    throw new AudioDecodeException(Reason.DECODE_FAILED,
        fmt == null ? "RIFF/WAVE file has no fmt chunk and no data chunk" : "RIFF/WAVE file has no data chunk");
  }

  private static Fmt parseFmt(byte[] b, int p, int size) throws AudioDecodeException {
    if (size < 16) {
      throw new AudioDecodeException(Reason.DECODE_FAILED,
          "fmt chunk is " + size + " bytes, shorter than the 16-byte minimum");
    }
    int tag = u16(b, p);
    int channels = u16(b, p + 2);
    long rate = u32(b, p + 4);
    int blockAlign = u16(b, p + 12);
    int bits = u16(b, p + 14);
    if (channels == 0 || rate == 0 || rate > Integer.MAX_VALUE || blockAlign == 0 || bits > 64) {
      throw new AudioDecodeException(Reason.DECODE_FAILED, String.format(
          "fmt chunk is corrupt: format tag 0x%04X, %d channels, sample rate %d, block align %d, "
              + "%d bits per sample", tag, channels, rate, blockAlign, bits));
    }
    int format = tag;
    if (tag == EXTENSIBLE) {
      if (size < 40 || u16(b, p + 16) < 22) {
        throw new AudioDecodeException(Reason.DECODE_FAILED,
            "WAVE_FORMAT_EXTENSIBLE fmt chunk is " + size + " bytes, too short for its 40-byte layout");
      }
      int validBits = u16(b, p + 18);
      if (validBits > bits) {
        throw new AudioDecodeException(Reason.DECODE_FAILED, String.format(
            "WAVE_FORMAT_EXTENSIBLE declares %d valid bits in a %d-bit container", validBits, bits));
      }
      if (!Arrays.equals(b, p + 26, p + 40, GUID_TAIL, 0, GUID_TAIL.length)) {
        throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT,
            "WAVE_FORMAT_EXTENSIBLE with unknown sub-format GUID " + hex(b, p + 24, 16));
      }
      format = u16(b, p + 24);
    }
    String sampleFormat = switch (format) {
      case PCM -> switch (bits) {
        case 8 -> "pcm_u8";
        case 16, 24, 32 -> "pcm_s" + bits;
        default -> throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT,
            "integer PCM with " + bits + " bits per sample (supported: 8, 16, 24, 32)");
      };
      case IEEE_FLOAT -> {
        if (bits != 32) {
          throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT,
              "IEEE float with " + bits + " bits per sample (only 32-bit float is supported)");
        }
        yield "pcm_f32";
      }
      default -> throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT, String.format(
          "%sformat tag 0x%04X (%s); supported are PCM and 32-bit IEEE float",
          tag == EXTENSIBLE ? "WAVE_FORMAT_EXTENSIBLE sub-" : "", format, codecName(format)));
    };
    if (blockAlign != channels * (bits / 8)) {
      throw new AudioDecodeException(Reason.DECODE_FAILED, String.format(
          "fmt block align %d does not match %d channels x %d bits", blockAlign, channels, bits));
    }
    return new Fmt(sampleFormat, bits, channels, (int) rate, blockAlign);
  }

  private static DecodedAudio readData(byte[] b, Fmt fmt, int body, long size, long riffSize)
      throws AudioDecodeException {
    long available = b.length - body;
    boolean streamed = size == UNSET || size == 0 && available > 0 && (riffSize == 0 || riffSize == UNSET);
    long bytes = streamed ? available : size;
    if (bytes > available) {
      throw new AudioDecodeException(Reason.TRUNCATED, String.format(
          "data chunk declares %d bytes but only %d are present", size, available));
    }
    if (bytes % fmt.blockAlign() != 0) {
      throw new AudioDecodeException(Reason.TRUNCATED, String.format(
          "data chunk ends in a partial frame: %d bytes is not a multiple of the %d-byte frame "
              + "(%d channels x %d bits)", bytes, fmt.blockAlign(), fmt.channels(), fmt.bits()));
    }
    int frames = (int) (bytes / fmt.blockAlign());
    if (frames == 0) {
      throw new AudioDecodeException(Reason.EMPTY, "data chunk holds 0 sample frames");
    }
    float[][] out = new float[fmt.channels()][frames];
    switch (fmt.sampleFormat()) {
      case "pcm_u8" -> readU8(b, body, out);
      case "pcm_s16" -> readS16(b, body, out);
      case "pcm_s24" -> readS24(b, body, out);
      case "pcm_s32" -> readS32(b, body, out);
      default -> readF32(b, body, out);
    }
    SourceFormat format = new SourceFormat(
        "wav", fmt.sampleFormat(), fmt.bits(), fmt.channels(), fmt.sampleRate(), frames);
    return new DecodedAudio(format, out);
  }

  private static void readU8(byte[] b, int p, float[][] out) {
    int channels = out.length;
    for (int i = 0; i < out[0].length; i++) {
      for (int c = 0; c < channels; c++) {
        out[c][i] = ((b[p++] & 0xFF) - 128) * 0x1p-7f;
      }
    }
  }

  private static void readS16(byte[] b, int p, float[][] out) {
    int channels = out.length;
    for (int i = 0; i < out[0].length; i++) {
      for (int c = 0; c < channels; c++, p += 2) {
        out[c][i] = (short) ((b[p] & 0xFF) | b[p + 1] << 8) * 0x1p-15f;
      }
    }
  }

  private static void readS24(byte[] b, int p, float[][] out) {
    int channels = out.length;
    for (int i = 0; i < out[0].length; i++) {
      for (int c = 0; c < channels; c++, p += 3) {
        out[c][i] = ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) * 0x1p-23f;
      }
    }
  }

  private static void readS32(byte[] b, int p, float[][] out) {
    int channels = out.length;
    for (int i = 0; i < out[0].length; i++) {
      for (int c = 0; c < channels; c++, p += 4) {
        out[c][i] = (float) s32(b, p) * 0x1p-31f;
      }
    }
  }

  private static void readF32(byte[] b, int p, float[][] out) {
    int channels = out.length;
    for (int i = 0; i < out[0].length; i++) {
      for (int c = 0; c < channels; c++, p += 4) {
        out[c][i] = Float.intBitsToFloat(s32(b, p));
      }
    }
  }

  private static String codecName(int tag) {
    return switch (tag) {
      case 0x0002 -> "Microsoft ADPCM";
      case 0x0003 -> "IEEE float";
      case 0x0006 -> "A-law";
      case 0x0007 -> "mu-law";
      case 0x0011 -> "IMA ADPCM";
      case 0x0031 -> "GSM 6.10";
      case 0x0050 -> "MPEG audio";
      case 0x0055 -> "MPEG Layer III";
      case 0x00FF, 0x1610 -> "AAC";
      default -> "unknown codec";
    };
  }

  private static boolean isChunkId(byte[] b, int p) {
    for (int i = p; i < p + 4; i++) {
      if (b[i] < 0x20 || b[i] > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static String hex(byte[] b, int p, int n) {
    StringBuilder s = new StringBuilder("0x");
    for (int i = p; i < p + n; i++) {
      s.append(String.format("%02X", b[i]));
    }
    return s.toString();
  }

  private static int u16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  private static int s32(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24;
  }

  private static long u32(byte[] b, int p) {
    return s32(b, p) & 0xFFFFFFFFL;
  }
}
