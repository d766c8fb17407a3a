package org.melforge.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** The model families, by their configuration name. */
public enum Family {
  /** Gaussian beta-VAE with free bits on 80x128 NSynth notes. */
  TIMBRE_VAE("timbre-vae"),
  /** Single-level VQ-VAE. */
  VQVAE("vqvae"),
  /** Two-level hierarchical VQ-VAE (AudDSR) on 128x320 speech windows. */
  AUDDSR("auddsr");

  private final String key;

  Family(String key) {
    this.key = key;
  }

  /** The name used in configuration files. */
  @JsonValue
  public String key() {
    return key;
  }

  /** The family named {@code key}. */
  @JsonCreator
  public static Family of(String key) {
    return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown model family '" + key + "'"));
  }
}
