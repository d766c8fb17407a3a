package org.melforge.features;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.melforge.dsp.LogMelSpectrogram;
import org.melforge.dsp.MelSettings;
import org.melforge.dsp.MelWindows;

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

  /**
   * How this profile makes tensors, as JSON-ready values with snake_case keys: every
   * {@link MelSettings} field ({@code mel_scale} as configured, e.g. {@code slaney}), {@code frames},
   * {@code windows}, and {@code db}: the dB conversion ({@code reference} {@code clip_max},
   * {@code amin}, {@code floor_db}, and {@code scale}: a stored value is {@code dB / scale + 1}).
   */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sample_rate", mel.sampleRate());
    out.put("n_fft", mel.nFft());
    out.put("win_length", mel.winLength());
    out.put("hop_length", mel.hopLength());
    out.put("n_mels", mel.nMels());
    out.put("f_min", mel.fMin());
    out.put("f_max", mel.fMax());
    out.put("mel_scale", mel.melScale().name().toLowerCase(Locale.ROOT));
    out.put("frames", frames);
    out.put("windows", windows.name().toLowerCase(Locale.ROOT));
    Map<String, Object> db = new LinkedHashMap<>();
    db.put("reference", "clip_max");
    db.put("amin", LogMelSpectrogram.AMIN);
    db.put("floor_db", LogMelSpectrogram.FLOOR_DB);
    db.put("scale", MelWindows.DB_SCALE);
    out.put("db", Collections.unmodifiableMap(db));
    return Collections.unmodifiableMap(out);
  }
}
