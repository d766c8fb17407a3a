package org.melforge.dsp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One fixed-size window of a log-mel spectrogram as stored in the tensor table: {@code nMels x
 * frames} values {@code (float) (dB/40 + 1)} in [-1, 1], mel-major and row-major (value of mel
 * {@code m} at frame {@code t} is {@code values[m * frames + t]}). Frames past the end of the clip
 * are padding at -80 dB, stored as -1.
 *
 * <p>The {@code values} array is not copied: the window owns it and callers must not modify it.
 *
 * @param index position of the window in its clip, from 0
 * @param startFrame first spectrogram frame of the window
 * @param validFrames frames taken from the clip; the remaining {@code frames - validFrames} are padding
 * @param nMels rows
 * @param frames columns
 * @param values {@code nMels * frames} stored values
 */
public record MelWindow(int index, int startFrame, int validFrames, int nMels, int frames,
    float[] values) {

  /** Checks the indices and that {@code values} holds {@code nMels * frames} values. */
  public MelWindow {
    if (index < 0 || startFrame < 0 || nMels <= 0 || frames <= 0) {
      throw new IllegalArgumentException("index " + index + " and startFrame " + startFrame
          + " must be >= 0, nMels " + nMels + " and frames " + frames + " positive");
    }
    if (validFrames < 0 || validFrames > frames) {
      throw new IllegalArgumentException(
          "validFrames must be in [0, " + frames + "], got " + validFrames);
    }
    if (values == null || values.length != nMels * frames) {
      throw new IllegalArgumentException("values must hold nMels * frames = " + nMels * frames
          + " floats, got " + (values == null ? "null" : values.length));
    }
  }

  /** The values as float32 little-endian bytes, {@code 4 * nMels * frames} of them. */
  public byte[] toLittleEndianBytes() {
    ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return buf.array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MelWindow w && index == w.index && startFrame == w.startFrame
        && validFrames == w.validFrames && nMels == w.nMels && frames == w.frames
        && Arrays.equals(values, w.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * (31 * (31 * index + startFrame) + validFrames) + nMels) + frames)
        + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "MelWindow[index=" + index + ", startFrame=" + startFrame + ", validFrames="
        + validFrames + ", nMels=" + nMels + ", frames=" + frames + "]";
  }
}
