package org.melforge.eval.report;

import java.util.List;

/**
 * VAE posterior means projected to two dimensions, one point per example, each with a label (for
 * instance the instrument family) that colours it on the page. Arrays are held as given.
 *
 * @param x first coordinate per point
 * @param y second coordinate per point
 * @param labels label per point
 */
public record LatentMap(double[] x, double[] y, List<String> labels) {

  /** Checks that the three sequences have one entry per point. */
  public LatentMap {
    labels = List.copyOf(labels);
    if (x.length != y.length || x.length != labels.size()) {
      throw new IllegalArgumentException("x, y and labels differ in length: " + x.length + ", "
          + y.length + ", " + labels.size());
    }
  }
}
