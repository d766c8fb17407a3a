package org.melforge.eval.codes;

/**
 * Principal component analysis onto two dimensions, for pictures of codebooks and latent spaces:
 * the covariance of the centred rows, its two dominant eigenvectors by power iteration with
 * deflation (deterministic; the rows' dimension is small), the rows projected on them.
 */
public final class Pca {

  private static final int POWER_ITERATIONS = 500;

  private Pca() {}

  /**
   * Rows projected on two principal components.
   *
   * @param points per row its coordinates on the first and second component
   * @param explained fraction of the total variance along each component
   */
  public record Projection(double[][] points, double[] explained) {}

  /** {@code rows} projected on their first two principal components. */
  public static Projection project(double[][] rows) {
    int d = rows[0].length;
    double[][] centred = centred(rows);
    double[][] covariance = covariance(centred, d);
    double trace = 0;
    for (int i = 0; i < d; i++) {
      trace += covariance[i][i];
    }
    double[] first = principal(covariance);
    double firstValue = deflate(covariance, first);
    double[] second = principal(covariance);
    double secondValue = deflate(covariance, second);
    double[][] points = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      points[i] = new double[] {dot(centred[i], first), dot(centred[i], second)};
    }
    double[] explained = trace == 0 ? new double[] {0, 0}
        : new double[] {firstValue / trace, secondValue / trace};
    return new Projection(points, explained);
  }

  private static double[][] centred(double[][] rows) {
    int d = rows[0].length;
    double[] mean = new double[d];
    for (double[] r : rows) {
      for (int j = 0; j < d; j++) {
        mean[j] += r[j] / rows.length;
      }
    }
    double[][] out = new double[rows.length][d];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = rows[i][j] - mean[j];
      }
    }
    return out;
  }

  private static double[][] covariance(double[][] centred, int d) {
    double[][] c = new double[d][d];
    for (double[] r : centred) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i][j] += r[i] * r[j] / centred.length;
        }
      }
    }
    return c;
  }

  /** The dominant eigenvector of a symmetric positive semi-definite matrix (power iteration). */
  private static double[] principal(double[][] m) {
    int d = m.length;
    double[] v = new double[d];
    for (int i = 0; i < d; i++) {
      v[i] = 1.0 / Math.sqrt(d) * (1 + 0.01 * i);
    }
    for (int it = 0; it < POWER_ITERATIONS; it++) {
      double[] next = new double[d];
      for (int i = 0; i < d; i++) {
        next[i] = dot(m[i], v);
      }
      double norm = Math.sqrt(dot(next, next));
      if (norm == 0) {
        return v;
      }
      for (int i = 0; i < d; i++) {
        v[i] = next[i] / norm;
      }
    }
    return v;
  }

  /** Removes {@code v}'s component from {@code m}; returns its eigenvalue. */
  private static double deflate(double[][] m, double[] v) {
    double[] mv = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      mv[i] = dot(m[i], v);
    }
    double value = dot(v, mv);
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m.length; j++) {
        m[i][j] -= value * v[i] * v[j];
      }
    }
    return value;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
