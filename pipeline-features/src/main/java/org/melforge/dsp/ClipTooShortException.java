package org.melforge.dsp;

/**
 * A clip has fewer samples than centred framing needs: reflect padding by {@code nFft/2} samples
 * requires at least {@code nFft/2 + 1} samples.
 */
public class ClipTooShortException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final int samples;
  private final int minimumSamples;

  /** Creates the exception for a clip of {@code samples} samples where {@code minimumSamples} are needed. */
  public ClipTooShortException(int samples, int minimumSamples) {
    super("clip too short: " + samples + " samples, at least " + minimumSamples
        + " are needed for centred reflect-padded frames");
    this.samples = samples;
    this.minimumSamples = minimumSamples;
  }

  /** The length of the rejected clip in samples. */
  public int samples() {
    return samples;
  }

  /** The smallest clip length, in samples, that the settings accept. */
  public int minimumSamples() {
    return minimumSamples;
  }
}
