package org.melforge.eval.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class WavTest {

  @Test
  void headerFieldsAreThoseOfAMono16BitFile() {
    float[] samples = randomSamples(1000, 0.8f);
    byte[] wav = Wav.encode(samples, 22050);
    ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("RIFF", ascii(in));
    assertEquals(wav.length - 8, in.getInt());
    assertEquals("WAVE", ascii(in));
    assertEquals("fmt ", ascii(in));
    assertEquals(16, in.getInt());
    assertEquals(1, in.getShort(), "PCM");
    assertEquals(1, in.getShort(), "channels");
    assertEquals(22050, in.getInt());
    assertEquals(44100, in.getInt(), "bytes per second");
    assertEquals(2, in.getShort(), "block align");
    assertEquals(16, in.getShort(), "bits per sample");
    assertEquals("data", ascii(in));
    assertEquals(2000, in.getInt());
    assertEquals(44 + 2000, wav.length);
  }

  @Test
  void audioSystemReadsTheFormatAndTheQuantisedSamples() throws Exception {
    float[] samples = randomSamples(4321, 0.89f);
    samples[0] = 0.89f;
    samples[1] = -0.89f;
    samples[2] = 0f;
    try (AudioInputStream in = AudioSystem.getAudioInputStream(
        new ByteArrayInputStream(Wav.encode(samples, 16000)))) {
      AudioFormat format = in.getFormat();
      assertEquals(AudioFormat.Encoding.PCM_SIGNED, format.getEncoding());
      assertEquals(16000f, format.getSampleRate());
      assertEquals(16, format.getSampleSizeInBits());
      assertEquals(1, format.getChannels());
      assertFalse(format.isBigEndian());
      assertEquals(samples.length, in.getFrameLength());
      assertArrayEquals(quantised(samples, 1.0), read(in));
    }
  }

  @Test
  void louderInputIsScaledToMinusOneDbfs() throws Exception {
    float[] samples = randomSamples(500, 2.0f);
    samples[7] = -2.5f;
    short[] read = decode(Wav.encode(samples, 8000));
    double gain = Math.pow(10, -1 / 20.0) / 2.5;
    assertArrayEquals(quantised(samples, gain), read);
    assertEquals(-29204, read[7], "-1 dBFS of 32767");
  }

  @Test
  void quieterInputIsWrittenAsItIs() throws Exception {
    float[] samples = {0.1f, -0.1f, 0.05f};
    assertArrayEquals(new short[] {3277, -3277, 1638}, decode(Wav.encode(samples, 8000)));
  }

  @Test
  void noSamplesMakeAnEmptyDataChunk() throws Exception {
    byte[] wav = Wav.encode(new float[0], 16000);
    assertEquals(44, wav.length);
    assertEquals(0, decode(wav).length);
  }

  @Test
  void rejectsNonFiniteSamplesAndBadRates() {
    assertThrows(IllegalArgumentException.class, () -> Wav.encode(new float[] {Float.NaN}, 16000));
    assertThrows(IllegalArgumentException.class,
        () -> Wav.encode(new float[] {Float.POSITIVE_INFINITY}, 16000));
    assertThrows(IllegalArgumentException.class, () -> Wav.encode(new float[1], 0));
  }

  private static float[] randomSamples(int n, float peak) {
    Random random = new Random(n);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (random.nextFloat() * 2 - 1) * peak;
    }
    return out;
  }

  private static short[] quantised(float[] samples, double gain) {
    short[] out = new short[samples.length];
    for (int i = 0; i < samples.length; i++) {
      out[i] = (short) Math.round(samples[i] * gain * 32767);
    }
    return out;
  }

  private static short[] decode(byte[] wav) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
      return read(in);
    }
  }

  private static short[] read(AudioInputStream in) throws Exception {
    byte[] bytes = in.readAllBytes();
    short[] out = new short[bytes.length / 2];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
    return out;
  }

  private static String ascii(ByteBuffer in) {
    byte[] four = new byte[4];
    in.get(four);
    return new String(four, StandardCharsets.US_ASCII);
  }
}
