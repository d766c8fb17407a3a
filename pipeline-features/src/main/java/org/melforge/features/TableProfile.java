package org.melforge.features;

import java.io.Serializable;
import org.melforge.dsp.MelSettings;

/**
 * A tensor table's shape: the log-mel settings, frames T per tensor, and which windows of a clip
 * become rows ({@code first}: the first T frames only; {@code consecutive}: every non-overlapping
 * window, the last one padded).
 */
public record TableProfile(String name, MelSettings mel, int frames, Windows windows) implements Serializable {

  /** Which windows of a clip become rows. */
  public enum Windows { FIRST, CONSECUTIVE }

  /** Seconds covered by one window. */
  public double windowSeconds() {
    return frames * (double) mel.hopLength() / mel.sampleRate();
  }
}
