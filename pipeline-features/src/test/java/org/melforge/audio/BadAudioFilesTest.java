package org.melforge.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.audio.Fixtures.bytes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.melforge.audio.AudioDecodeException.Reason;

/** Broken and unsupported files made from real ones by make_audio_fixtures.py. */
class BadAudioFilesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "bad_empty.wav          | EMPTY              | 0 bytes",
    "bad_zero_frames.wav    | EMPTY              | 0 sample frames",
    "bad_not_audio.wav      | NOT_AUDIO          | \"This is \"",
    "bad_truncated_data.wav | TRUNCATED          | data chunk declares 6400 bytes but only 3200 are present",
    "bad_header_cut.wav     | TRUNCATED          | 'fmt ' chunk at byte 12 declares 16 bytes but only 10 are present",
    "bad_alaw.wav           | UNSUPPORTED_FORMAT | format tag 0x0006 (A-law)",
    "bad_float64.wav        | UNSUPPORTED_FORMAT | IEEE float with 64 bits per sample",
    "bad_garbage_fmt.wav    | DECODE_FAILED      | fmt chunk is corrupt",
    "bad_truncated.flac     | TRUNCATED          | FLAC stream ends after 512 of the 1600 samples",
    "bad_corrupt.flac       | DECODE_FAILED      | corrupt FLAC frame after sample 512",
    "bad_s32.flac           | UNSUPPORTED_FORMAT | FLAC with 32 bits per sample",
  })
  void failsWithTheRightReasonAndASpecificMessage(String file, Reason reason, String messagePart)
      throws Exception {
    byte[] input = bytes(file);

    AudioDecodeException e = assertThrows(AudioDecodeException.class, () -> AudioDecoder.decode(input));

    assertEquals(reason, e.reason(), () -> file + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(messagePart),
        () -> file + ": message '" + e.getMessage() + "' does not contain '" + messagePart + "'");
    AudioDecodeException mono = assertThrows(AudioDecodeException.class,
        () -> AudioDecoder.decodeMono(input, 16000));
    assertEquals(reason, mono.reason());
  }
}
