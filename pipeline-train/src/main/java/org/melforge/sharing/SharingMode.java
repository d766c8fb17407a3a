package org.melforge.sharing;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How training is spread over Spark executors: {@code sharing.mode}, by its configuration name. */
public enum SharingMode {
  /** Gradient sharing (DL4J {@code SharedTrainingMaster}). */
  SHARED,
  /** Parameter averaging ({@code ParameterAveragingTrainingMaster}). */
  AVERAGING,
  /** One JVM, rows streamed through the driver. */
  SINGLE,
  /** One JVM, every update through gradient sharing's threshold encoder. */
  ENCODED;

  /** The name used in configuration files and checkpoints, e.g. {@code shared}. */
  @JsonValue
  public String key() {
    return SharingOptions.key(this);
  }

  @Override
  public String toString() {
    return key();
  }

  /** The mode named {@code key} (any case). */
  @JsonCreator
  public static SharingMode of(String key) {
    return SharingOptions.parse(SharingMode.class, "mode", key);
  }
}
