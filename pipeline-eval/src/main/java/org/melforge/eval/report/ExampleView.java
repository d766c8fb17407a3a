package org.melforge.eval.report;

import java.util.Map;
import java.util.Objects;

/**
 * One example shown on the page: its tensors as stored values in [-1, 1], mel-major and row-major
 * {@code (nMels, nFrames)} as in the tensor table, the first {@code validFrames} columns valid, and
 * its audio. Arrays are held as given.
 *
 * @param label where the example ranks, e.g. best, median, worst
 * @param id example id
 * @param metadata metadata columns of the example, e.g. instrument family
 * @param metrics metric name to value
 * @param nMels mel bands
 * @param nFrames frames
 * @param validFrames frames before the padding
 * @param original the original tensor
 * @param reconstruction the reconstructed tensor
 * @param originalWav the original audio as a WAV file; nullable
 * @param reconstructionWav the reconstruction's audio as a WAV file; nullable
 */
public record ExampleView(String label, String id, Map<String, String> metadata,
    Map<String, Double> metrics, int nMels, int nFrames, int validFrames, float[] original,
    float[] reconstruction, byte[] originalWav, byte[] reconstructionWav) {

  /** Checks the tensor shapes and copies the maps. */
  public ExampleView {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(id, "id");
    metadata = Map.copyOf(metadata);
    metrics = Map.copyOf(metrics);
    if (nMels <= 0 || nFrames <= 0 || validFrames < 0 || validFrames > nFrames) {
      throw new IllegalArgumentException("bad shape: nMels " + nMels + ", nFrames " + nFrames
          + ", validFrames " + validFrames);
    }
    if (original.length != nMels * nFrames || reconstruction.length != nMels * nFrames) {
      throw new IllegalArgumentException("tensors must hold nMels * nFrames = " + nMels * nFrames
          + " values: " + original.length + ", " + reconstruction.length);
    }
  }
}
