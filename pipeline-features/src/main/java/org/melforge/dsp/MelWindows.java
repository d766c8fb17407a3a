package org.melforge.dsp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a dB log-mel spectrogram ({@code [nMels][T]}, values in [-80, 0] as returned by
 * {@link LogMelSpectrogram#decibels}) into fixed-size {@link MelWindow}s of stored values
 * {@code dB/40 + 1}, padding past the end of the clip with -80 dB (-1).
 */
public final class MelWindows {

  /** dB per stored unit: a stored value is {@code dB / DB_SCALE + 1}. */
  public static final double DB_SCALE = 40.0;

  private static final float PAD_VALUE = stored(LogMelSpectrogram.FLOOR_DB);

  private MelWindows() {}

  /**
   * Only the first window: frames {@code [0, frames)} of the clip, padded if the clip has fewer
   * (the NSynth layout: the first 128 frames of a 4 s note).
   */
  public static List<MelWindow> first(double[][] db, int frames) {
    checkShape(db, frames);
    return List.of(window(db, 0, frames));
  }

  /**
   * Non-overlapping windows covering every frame of the clip: window {@code i} starts at frame
   * {@code i * frames}; the last one is padded. A clip of {@code T} frames gives
   * {@code ceil(T / frames)} windows.
   */
  public static List<MelWindow> consecutive(double[][] db, int frames) {
    int total = checkShape(db, frames);
    int count = (total + frames - 1) / frames;
    List<MelWindow> windows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      windows.add(window(db, i, frames));
    }
    return List.copyOf(windows);
  }

  private static MelWindow window(double[][] db, int index, int frames) {
    int nMels = db.length;
    int start = index * frames;
    int valid = Math.max(0, Math.min(frames, db[0].length - start));
    float[] values = new float[nMels * frames];
    for (int m = 0; m < nMels; m++) {
      double[] row = db[m];
      int base = m * frames;
      for (int t = 0; t < valid; t++) {
        values[base + t] = stored(row[start + t]);
      }
      Arrays.fill(values, base + valid, base + frames, PAD_VALUE);
    }
    return new MelWindow(index, start, valid, nMels, frames, values);
  }

  private static float stored(double db) {
    return (float) (db / DB_SCALE + 1.0);
  }

  private static int checkShape(double[][] db, int frames) {
    if (frames <= 0) {
      throw new IllegalArgumentException("frames must be positive, got " + frames);
    }
    if (db.length == 0 || db[0].length == 0) {
      throw new IllegalArgumentException("empty spectrogram: [" + db.length + "]["
          + (db.length == 0 ? 0 : db[0].length) + "]");
    }
    for (int m = 1; m < db.length; m++) {
      if (db[m].length != db[0].length) {
        throw new IllegalArgumentException("ragged spectrogram: row " + m + " has "
            + db[m].length + " frames, row 0 has " + db[0].length);
      }
    }
    return db[0].length;
  }
}
