package org.melforge.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import org.melforge.tensorstore.Npy;

/** Loads the committed fixtures of src/test/resources/audio (made by src/test/python/make_audio_fixtures.py). */
final class Fixtures {

  private Fixtures() {}

  static byte[] bytes(String name) throws IOException {
    try (InputStream in = Fixtures.class.getResourceAsStream("/audio/" + name)) {
      assertNotNull(in, "missing test resource audio/" + name);
      return in.readAllBytes();
    }
  }

  static Npy.Array npy(String name) throws IOException {
    try (InputStream in = Fixtures.class.getResourceAsStream("/audio/" + name)) {
      assertNotNull(in, "missing test resource audio/" + name);
      return Npy.read(in);
    }
  }

  /** Asserts {@code actual[c][i]} equals the (channels, frames) reference array within {@code tolerance}. */
  static void assertMatches(Npy.Array expected, float[][] actual, double tolerance) {
    assertEquals(2, expected.shape().length, "reference must be (channels, frames)");
    int channels = expected.dim(0);
    int frames = expected.dim(1);
    assertEquals(channels, actual.length, "channel count");
    for (int c = 0; c < channels; c++) {
      assertEquals(frames, actual[c].length, "frames in channel " + c);
      for (int i = 0; i < frames; i++) {
        double want = expected.data()[c * frames + i];
        if (Math.abs(actual[c][i] - want) > tolerance) {
          throw new AssertionError(String.format(
              "channel %d sample %d: expected %.9g but was %.9g", c, i, want, actual[c][i]));
        }
      }
    }
  }

  static void assertMatches(double[] expected, float[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(actual[i] - expected[i]) > tolerance) {
        throw new AssertionError(String.format(
            "sample %d: expected %.9g but was %.9g (difference %.3g)",
            i, expected[i], actual[i], actual[i] - expected[i]));
      }
    }
  }
}
