package org.melforge.audio;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.audio.Fixtures.assertMatches;
import static org.melforge.audio.Fixtures.bytes;
import static org.melforge.audio.Fixtures.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.melforge.audio.AudioDecodeException.Reason;
import org.melforge.tensorstore.Npy;

class AudioDecoderTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "stereo_u8.wav,         stereo_u8.npy,         wav,  pcm_u8,  8,  2, 16000",
    "stereo_s16.wav,        stereo_s16.npy,        wav,  pcm_s16, 16, 2, 16000",
    "stereo_s16_chunks.wav, stereo_s16.npy,        wav,  pcm_s16, 16, 2, 16000",
    "stereo_s16_ext.wav,    stereo_s16.npy,        wav,  pcm_s16, 16, 2, 16000",
    "stereo_s24.wav,        stereo_s24.npy,        wav,  pcm_s24, 24, 2, 16000",
    "stereo_s32.wav,        stereo_s32.npy,        wav,  pcm_s32, 32, 2, 16000",
    "stereo_f32.wav,        stereo_f32.npy,        wav,  pcm_f32, 32, 2, 16000",
    "stereo_f32_ext.wav,    stereo_f32.npy,        wav,  pcm_f32, 32, 2, 16000",
    "three_channel_s16.wav, three_channel_s16.npy, wav,  pcm_s16, 16, 3, 16000",
    "mono_44k_s16.wav,      mono_44k_s16.npy,      wav,  pcm_s16, 16, 1, 44100",
    // make_audio_fixtures.py checks that `flac -d` of these files gives exactly the PCM samples.
    "stereo_s16.flac,       stereo_s16.npy,        flac, pcm_s16, 16, 2, 16000",
    "stereo_s16_id3.flac,   stereo_s16.npy,        flac, pcm_s16, 16, 2, 16000",
    "stereo_s24.flac,       stereo_s24.npy,        flac, pcm_s24, 24, 2, 16000",
    // 8-bit FLAC samples are signed: s / 128 equals (u - 128) / 128 of the unsigned WAV.
    "stereo_s8.flac,        stereo_u8.npy,         flac, pcm_s8,  8,  2, 16000",
  })
  void decodesToTheNumpyReference(String file, String reference, String container, String sampleFormat,
      int bits, int channels, int rate) throws Exception {
    Npy.Array expected = npy(reference);
    DecodedAudio audio = AudioDecoder.decode(bytes(file));

    SourceFormat format = audio.format();
    assertEquals(new SourceFormat(container, sampleFormat, bits, channels, rate, expected.dim(1)), format);
    assertEquals(expected.dim(1) / (double) rate, format.durationSeconds(), 1e-12);
    assertMatches(expected, audio.channels(), 0.0);
  }

  @Test
  void downmixIsTheMeanOfTheChannels() throws Exception {
    Npy.Array expected = npy("three_channel_s16.npy");
    MonoAudio mono = AudioDecoder.decodeMono(bytes("three_channel_s16.wav"), 16000);

    int frames = expected.dim(1);
    assertEquals(frames, mono.samples().length);
    assertEquals(16000, mono.sampleRate());
    assertEquals(3, mono.source().channels());
    assertTrue(mono.converted());
    double[] d = expected.data();
    for (int i = 0; i < frames; i++) {
      double mean = (d[i] + d[frames + i] + d[2 * frames + i]) / 3;
      assertEquals(mean, mono.samples()[i], 1e-7, "sample " + i);
    }
  }

  @Test
  void monoAtTheTargetRateIsNotConverted() throws Exception {
    MonoAudio mono = AudioDecoder.decodeMono(bytes("mono_44k_s16.wav"), 44100);

    assertFalse(mono.converted());
    assertMatches(npy("mono_44k_s16.npy").data(), mono.samples(), 0.0);
  }

  @Test
  void decodeMonoResamplesToTheTargetRate() throws Exception {
    Npy.Array source = npy("mono_44k_s16.npy");
    float[] input = new float[source.dim(1)];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) source.data()[i];
    }

    MonoAudio mono = AudioDecoder.decodeMono(bytes("mono_44k_s16.wav"), 16000);

    assertTrue(mono.converted());
    assertEquals(16000, mono.sampleRate());
    assertEquals(44100, mono.source().sampleRate());
    assertEquals(1600, mono.samples().length);
    assertArrayEquals(Resampler.resample(input, 44100, 16000), mono.samples());
  }

  @Test
  void streamedWavWithUnsetDataSizeIsReadToTheEndOfTheFile() throws Exception {
    short[] samples = {0, 1000, -1000, 32767, -32768, 7};
    for (long dataSize : new long[] {0xFFFFFFFFL, 0}) {
      byte[] wav = wav(1, 16000, 16, dataSize, pcm16(samples));
      putU32(wav, 4, 0xFFFFFFFFL);

      DecodedAudio audio = AudioDecoder.decode(wav);

      assertEquals(samples.length, audio.format().frames(), "data size " + dataSize);
      for (int i = 0; i < samples.length; i++) {
        assertEquals(samples[i] / 32768f, audio.channels()[0][i]);
      }
    }
  }

  @Test
  void zeroDataSizeWithAFinalisedRiffSizeIsEmpty() {
    byte[] wav = wav(1, 16000, 16, 0, pcm16(new short[] {1, 2, 3}));
    assertReason(Reason.EMPTY, wav, "0 sample frames");
  }

  @Test
  void partialFinalFrameIsTruncation() {
    byte[] wav = wav(2, 16000, 16, 10, new byte[10]);
    assertReason(Reason.TRUNCATED, wav, "partial frame");
  }

  @Test
  void dataBeforeFmtFails() {
    byte[] wav = wav(1, 16000, 16, 4, new byte[4]);
    byte[] swapped = Arrays.copyOf(wav, wav.length);
    System.arraycopy(wav, 36, swapped, 12, 12);
    System.arraycopy(wav, 12, swapped, 24, 24);
    assertReason(Reason.DECODE_FAILED, swapped, "before any fmt chunk");
  }

  @Test
  void compressedAndOddFormatTagsAreUnsupported() {
    byte[] adpcm = wav(1, 16000, 16, 4, new byte[4]);
    adpcm[20] = 0x02;
    assertReason(Reason.UNSUPPORTED_FORMAT, adpcm, "0x0002 (Microsoft ADPCM)");

    byte[] twelveBit = wav(1, 16000, 12, 4, new byte[4]);
    assertReason(Reason.UNSUPPORTED_FORMAT, twelveBit, "12 bits per sample");
  }

  @Test
  void otherContainersAreRecognisedButUnsupported() {
    byte[] ogg = "OggS\0\2\0\0\0\0\0\0".getBytes(ISO_8859_1);
    assertReason(Reason.UNSUPPORTED_FORMAT, ogg, "Ogg");

    byte[] mp3 = new byte[32];
    System.arraycopy("ID3".getBytes(US_ASCII), 0, mp3, 0, 3);
    mp3[9] = 4;
    mp3[14] = (byte) 0xFF;
    mp3[15] = (byte) 0xFB;
    assertReason(Reason.UNSUPPORTED_FORMAT, mp3, "not FLAC");

    byte[] avi = wav(1, 16000, 16, 4, new byte[4]);
    System.arraycopy("AVI ".getBytes(US_ASCII), 0, avi, 8, 4);
    assertReason(Reason.NOT_AUDIO, avi, "AVI");
  }

  @Test
  void reasonCodesAreSnakeCase() {
    assertEquals("not_audio", Reason.NOT_AUDIO.code());
    assertEquals("truncated", Reason.TRUNCATED.code());
    assertEquals("empty", Reason.EMPTY.code());
    assertEquals("unsupported_format", Reason.UNSUPPORTED_FORMAT.code());
    assertEquals("decode_failed", Reason.DECODE_FAILED.code());
  }

  @Test
  void sameRateMonoFileIsReturnedWithoutCopy() throws Exception {
    DecodedAudio audio = AudioDecoder.decode(bytes("mono_44k_s16.wav"));
    float[] samples = audio.channels()[0];
    assertSame(samples, Resampler.resample(samples, 44100, 44100));
  }

  static void assertReason(Reason reason, byte[] input, String messagePart) {
    AudioDecodeException e = assertThrows(AudioDecodeException.class, () -> AudioDecoder.decode(input));
    assertEquals(reason, e.reason(), () -> "message was: " + e.getMessage());
    assertTrue(e.getMessage().contains(messagePart),
        () -> "message '" + e.getMessage() + "' does not mention '" + messagePart + "'");
  }

  /** A canonical 44-byte-header PCM WAV whose data chunk declares {@code dataSize} bytes. */
  private static byte[] wav(int channels, int rate, int bits, long dataSize, byte[] data) {
    int block = channels * bits / 8;
    ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(US_ASCII)).putInt(36 + data.length)
        .put("WAVEfmt ".getBytes(US_ASCII)).putInt(16)
        .putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * block)
        .putShort((short) block).putShort((short) bits)
        .put("data".getBytes(US_ASCII)).putInt((int) dataSize).put(data);
    return b.array();
  }

  private static byte[] pcm16(short[] samples) {
    ByteBuffer b = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : samples) {
      b.putShort(s);
    }
    return b.array();
  }

  private static void putU32(byte[] b, int offset, long value) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, (int) value);
  }
}
