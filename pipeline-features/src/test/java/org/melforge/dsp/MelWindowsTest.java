package org.melforge.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MelWindowsTest {

  /** A [nMels][frames] spectrogram whose values encode their position, all within [-80, 0]. */
  private static double[][] ramp(int nMels, int frames) {
    double[][] db = new double[nMels][frames];
    for (int m = 0; m < nMels; m++) {
      for (int t = 0; t < frames; t++) {
        db[m][t] = -((m * 7 + t * 3) % 81);
      }
    }
    return db;
  }

  @ParameterizedTest(name = "T={0}, window={1}")
  @CsvSource({"640, 320, 2", "641, 320, 3", "401, 320, 2", "101, 320, 1", "320, 320, 1",
      "1, 320, 1", "10, 3, 4"})
  void consecutiveCoversEveryFrameAndPadsTheLast(int total, int frames, int expectedCount) {
    int nMels = 5;
    double[][] db = ramp(nMels, total);
    List<MelWindow> windows = MelWindows.consecutive(db, frames);

    assertEquals(expectedCount, windows.size());
    for (int i = 0; i < windows.size(); i++) {
      MelWindow w = windows.get(i);
      assertEquals(i, w.index());
      assertEquals(i * frames, w.startFrame());
      assertEquals(Math.min(frames, total - i * frames), w.validFrames());
      assertEquals(nMels, w.nMels());
      assertEquals(frames, w.frames());
      assertWindowValues(db, w);
    }
  }

  @ParameterizedTest(name = "T={0}, window={1}")
  @CsvSource({"251, 128", "128, 128", "63, 128", "1, 128"})
  void firstKeepsOnlyTheFirstFramesOrPads(int total, int frames) {
    double[][] db = ramp(80, total);
    List<MelWindow> windows = MelWindows.first(db, frames);

    assertEquals(1, windows.size());
    MelWindow w = windows.get(0);
    assertEquals(0, w.index());
    assertEquals(0, w.startFrame());
    assertEquals(Math.min(total, frames), w.validFrames());
    assertWindowValues(db, w);
  }

  private static void assertWindowValues(double[][] db, MelWindow w) {
    assertEquals(w.nMels() * w.frames(), w.values().length);
    for (int m = 0; m < w.nMels(); m++) {
      for (int t = 0; t < w.frames(); t++) {
        float expected = t < w.validFrames() ? (float) (db[m][w.startFrame() + t] / 40 + 1) : -1f;
        assertEquals(expected, w.values()[m * w.frames() + t],
            "mel " + m + " frame " + t + " of window " + w.index());
      }
    }
  }

  @Test
  void storedValuesSpanMinusOneToOne() {
    double[][] db = {{0.0, -40.0, -80.0}};
    assertArrayEquals(new float[] {1f, 0f, -1f, -1f}, MelWindows.first(db, 4).get(0).values());
  }

  @Test
  void paddedFramesOfARealClipAreMinusOne() {
    float[] clip = LogMelSpectrogramTest.noise(16000, 2);
    double[][] db = new LogMelSpectrogram(MelSettings.speech()).decibels(clip);
    MelWindow w = MelWindows.consecutive(db, 320).get(0);
    assertEquals(101, w.validFrames());
    for (int m = 0; m < w.nMels(); m++) {
      for (int t = 101; t < 320; t++) {
        assertEquals(-1f, w.values()[m * 320 + t]);
      }
    }
  }

  @Test
  void littleEndianBytesRoundTrip() {
    MelWindow w = MelWindows.consecutive(ramp(3, 7), 4).get(1);
    byte[] bytes = w.toLittleEndianBytes();
    assertEquals(4 * 3 * 4, bytes.length);
    float[] back = new float[w.values().length];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(back);
    assertArrayEquals(w.values(), back);
    assertEquals(Float.floatToIntBits(w.values()[1]),
        (bytes[4] & 0xff) | (bytes[5] & 0xff) << 8 | (bytes[6] & 0xff) << 16 | bytes[7] << 24);
  }

  @Test
  void windowsCompareByValue() {
    MelWindow a = MelWindows.first(ramp(2, 3), 3).get(0);
    MelWindow b = MelWindows.first(ramp(2, 3), 3).get(0);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    float[] changed = a.values().clone();
    changed[0] = 0.5f;
    assertNotEquals(a, new MelWindow(0, 0, 3, 2, 3, changed));
    assertNotEquals(a, new MelWindow(0, 0, 2, 2, 3, a.values()));
  }

  @Test
  void invalidInputsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> MelWindows.first(ramp(2, 3), 0));
    assertThrows(IllegalArgumentException.class, () -> MelWindows.consecutive(new double[0][], 3));
    assertThrows(IllegalArgumentException.class,
        () -> MelWindows.consecutive(new double[][] {{0, 0}, {0}}, 3));
    assertThrows(IllegalArgumentException.class, () -> new MelWindow(0, 0, 5, 2, 4, new float[8]));
    assertThrows(IllegalArgumentException.class, () -> new MelWindow(0, 0, 4, 2, 4, new float[7]));
  }
}
