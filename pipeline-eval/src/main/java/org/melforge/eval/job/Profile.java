package org.melforge.eval.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import org.melforge.dsp.MelScale;
import org.melforge.dsp.MelSettings;

/**
 * The log-mel profile a features table was made with, as its statistics JSON records it
 * ({@code provenance.profiles}, one entry per table): the STFT and mel settings the report's audio
 * is decoded with, and the frames per tensor.
 *
 * @param json the profile as recorded
 * @param mel its STFT and mel settings
 * @param frames frames per tensor
 */
record Profile(JsonNode json, MelSettings mel, int frames) {

  /** Audio seconds one tensor covers. */
  double secondsPerExample() {
    return frames * (double) mel.hopLength() / mel.sampleRate();
  }

  /**
   * The profile in statistics JSON {@code statsJson} of {@code where}.
   *
   * @throws IllegalArgumentException when it records no single profile (the message names
   *     {@code where})
   */
  static Profile of(String statsJson, String where) {
    JsonNode profile = find(read(statsJson, where));
    if (profile == null) {
      throw new IllegalArgumentException(where + " records no single log-mel profile"
          + " (provenance.profiles)");
    }
    return of(profile, where);
  }

  /** The profile in parsed statistics {@code stats}, or null when they record none. */
  static JsonNode find(JsonNode stats) {
    JsonNode profiles = stats == null ? null : stats.path("provenance").path("profiles");
    if (profiles == null || !profiles.isObject() || profiles.size() != 1) {
      return null;
    }
    Iterator<JsonNode> values = profiles.elements();
    return values.next();
  }

  private static Profile of(JsonNode p, String where) {
    try {
      MelSettings mel = new MelSettings(p.get("sample_rate").asInt(), p.get("n_fft").asInt(),
          p.get("win_length").asInt(), p.get("hop_length").asInt(), p.get("n_mels").asInt(),
          p.get("f_min").asDouble(), p.get("f_max").asDouble(),
          MelScale.parse(p.get("mel_scale").asText()));
      return new Profile(p, mel, p.get("frames").asInt());
    } catch (NullPointerException | IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " has an incomplete log-mel profile " + p, e);
    }
  }

  private static JsonNode read(String json, String where) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " is not JSON: " + e.getMessage(), e);
    }
  }
}
