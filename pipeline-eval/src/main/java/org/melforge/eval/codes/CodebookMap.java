package org.melforge.eval.codes;

import java.util.Map;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.eval.metrics.Distribution;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A picture of a codebook: every code vector projected on the codebook's first two principal
 * components, and the distribution of the distances between every pair of codes.
 *
 * @param level the bottleneck layer
 * @param points per code its coordinates on the first and second principal component
 * @param explained fraction of the codebook's variance along each of the two components
 * @param pairwiseDistances Euclidean distances between every pair of distinct codes
 */
public record CodebookMap(String level, double[][] points, double[] explained,
    Distribution pairwiseDistances) {

  /** Largest codebook mapped (its pairwise distances grow with the square of its size). */
  public static final long MAX_CODES = 4096;

  /**
   * The map of quantizer {@code level} of {@code model}, from the vectors its decoder receives for
   * each code; null for a continuous bottleneck or a codebook above {@link #MAX_CODES} codes.
   */
  public static CodebookMap of(TokenizerModel model, String level) {
    Bottleneck b = model.bottleneck(level);
    long k = b.codebookSize();
    if (b.kind() != Bottleneck.Kind.CODES || k > MAX_CODES) {
      return null;
    }
    Map<String, INDArray> params = model.graph().getLayer(level).paramTable();
    INDArray codes = Nd4j.arange(k).castTo(DataType.LONG).reshape(1, 1, k);
    INDArray vectors = b.decode(params, codes);
    double[][] rows = vectors.reshape(vectors.size(1), k).transpose().toDoubleMatrix();
    return of(level, rows);
  }

  /** The map of code vectors {@code rows} (one per code). */
  static CodebookMap of(String level, double[][] rows) {
    Pca.Projection p = Pca.project(rows);
    return new CodebookMap(level, p.points(), p.explained(), Distribution.of(distances(rows)));
  }

  private static double[] distances(double[][] rows) {
    double[] out = new double[rows.length * (rows.length - 1) / 2];
    int n = 0;
    for (int i = 0; i < rows.length; i++) {
      for (int j = i + 1; j < rows.length; j++) {
        double s = 0;
        for (int k = 0; k < rows[i].length; k++) {
          double diff = rows[i][k] - rows[j][k];
          s += diff * diff;
        }
        out[n++] = Math.sqrt(s);
      }
    }
    return out;
  }
}
