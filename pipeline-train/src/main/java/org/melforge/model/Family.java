package org.melforge.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** The model families, by their configuration name, each with the section of settings it reads. */
public enum Family {
  /** Gaussian beta-VAE with free bits on 80x128 NSynth notes. */
  TIMBRE_VAE("timbre-vae", TimbreVaeSpec.SECTION),
  /** Single-level VQ-VAE. */
  VQVAE("vqvae", VqSpec.SECTION),
  /** Two-level hierarchical VQ-VAE (AudDSR) on 128x320 speech windows. */
  AUDDSR("auddsr", VqSpec.SECTION),
  /** The VQ-VAE's encoder and decoder with binary spherical quantization in place of the codebook. */
  BSQ_CNN("bsq-cnn", BsqSpec.SECTION);

  private final String key;
  private final String section;

  Family(String key, String section) {
    this.key = key;
    this.section = section;
  }

  /** The name used in configuration files. */
  @JsonValue
  public String key() {
    return key;
  }

  /** The {@code model} subsection holding this family's settings, e.g. {@code vq}. */
  public String section() {
    return section;
  }

  /** The family named {@code key}. */
  @JsonCreator
  public static Family of(String key) {
    return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown model family '" + key + "'"));
  }
}
