package org.melforge.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.melforge.audio.Fixtures.bytes;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.melforge.audio.AudioDecodeException.Reason;

/**
 * jflac ends quietly on a cut stream and zeroes or skips damaged frames; the decoder must turn every
 * such case into an error instead of returning partial or silent audio.
 */
class FlacDamageTest {

  @Test
  void everyCutOfAFlacFileIsTruncation() throws Exception {
    byte[] flac = bytes("stereo_s16.flac");
    for (int length = 5; length < flac.length; length += 37) {
      byte[] cut = Arrays.copyOf(flac, length);
      AudioDecodeException e = assertThrows(AudioDecodeException.class, () -> AudioDecoder.decode(cut),
          "cut at " + length + " of " + flac.length + " bytes");
      assertEquals(Reason.TRUNCATED, e.reason(), "cut at " + length + ": " + e.getMessage());
    }
  }

  /**
   * Damage to any frame but the last is a decode failure. Damage inside the last frame may instead
   * make it look longer than the bytes left, which cannot be told apart from a cut: truncation is
   * accepted there, but never a result.
   */
  @Test
  void damagedFrameBytesAreDetected() throws Exception {
    byte[] flac = bytes("stereo_s16.flac");
    int firstFrame = firstFrameOffset(flac);
    int lastFrame = lastSyncOffset(flac);
    for (int at = firstFrame; at < flac.length; at += isNearFrameStart(flac, at) ? 1 : 13) {
      byte[] damaged = flac.clone();
      damaged[at] ^= 0x10;
      AudioDecodeException e = assertThrows(AudioDecodeException.class,
          () -> AudioDecoder.decode(damaged), "byte " + at + " damaged");
      if (at < lastFrame || e.reason() != Reason.TRUNCATED) {
        assertEquals(Reason.DECODE_FAILED, e.reason(), "byte " + at + ": " + e.getMessage());
      }
    }
  }

  @Test
  void undamagedFileStillDecodes() throws Exception {
    assertEquals(1600, AudioDecoder.decode(bytes("stereo_s16.flac")).format().frames());
  }

  @Test
  void unknownLengthStreamDecodesAndItsCutsAreTruncation() throws Exception {
    byte[] flac = bytes("stereo_s16.flac");
    byte[] unknown = withUnknownTotal(flac);
    float[][] expected = AudioDecoder.decode(flac).channels();

    DecodedAudio audio = AudioDecoder.decode(unknown);

    assertEquals(1600, audio.format().frames());
    assertArrayEquals(expected[0], audio.channels()[0]);
    assertArrayEquals(expected[1], audio.channels()[1]);
    for (int length = firstFrameOffset(flac) + 1; length < flac.length; length += 37) {
      byte[] cut = Arrays.copyOf(unknown, length);
      AudioDecodeException e = assertThrows(AudioDecodeException.class, () -> AudioDecoder.decode(cut),
          "cut at " + length + " of " + flac.length + " bytes");
      assertEquals(Reason.TRUNCATED, e.reason(), "cut at " + length + ": " + e.getMessage());
    }
  }

  /** Sets STREAMINFO's 36-bit total-samples field (bytes 21 to 25 of the file) to 0, "unknown". */
  private static byte[] withUnknownTotal(byte[] flac) {
    byte[] copy = flac.clone();
    copy[21] &= (byte) 0xF0;
    Arrays.fill(copy, 22, 26, (byte) 0);
    return copy;
  }

  /** Whether {@code at} lies in the 16 bytes from a frame sync code (where the frame header is). */
  private static boolean isNearFrameStart(byte[] flac, int at) {
    for (int p = Math.max(0, at - 15); p <= at && p + 1 < flac.length; p++) {
      if ((flac[p] & 0xFF) == 0xFF && (flac[p + 1] & 0xFE) == 0xF8) {
        return true;
      }
    }
    return false;
  }

  private static int lastSyncOffset(byte[] flac) {
    for (int p = flac.length - 2; p >= 0; p--) {
      if ((flac[p] & 0xFF) == 0xFF && (flac[p + 1] & 0xFE) == 0xF8) {
        return p;
      }
    }
    throw new AssertionError("no frame sync code");
  }

  /** Skips "fLaC" and the metadata blocks (1-byte flags/type, 3-byte length each). */
  private static int firstFrameOffset(byte[] flac) {
    int p = 4;
    boolean last;
    do {
      last = (flac[p] & 0x80) != 0;
      int length = (flac[p + 1] & 0xFF) << 16 | (flac[p + 2] & 0xFF) << 8 | flac[p + 3] & 0xFF;
      p += 4 + length;
    } while (!last);
    return p;
  }
}
