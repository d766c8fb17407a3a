package org.melforge.model;

import java.io.Serializable;
import java.util.List;

/**
 * The settings one family reads: a subsection of {@code model} such as {@code model.vq}
 * ({@link VqSpec}) or {@code model.timbre-vae} ({@link TimbreVaeSpec}). Several families may share
 * one section.
 */
public interface FamilySpec extends Serializable {

  /** The section's name under {@code model}, e.g. {@code vq}. */
  String section();

  /** Problems that the keys' ranges cannot express, each naming its full key. */
  List<String> problems();

  /**
   * Batches of bottleneck inputs a fresh model's stateful bottlenecks initialise from before
   * training (e.g. k-means of codebooks; {@code org.melforge.bottleneck.StatefulLayer#initialize}),
   * 0 for none.
   */
  default int initBatches() {
    return 0;
  }
}
