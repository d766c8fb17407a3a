package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.bottleneck.TestArrays.assertClose;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link EmaCodebook#update} against the formulas of its Javadoc, evaluated in plain Java. */
class EmaCodebookTest {

  static final int K = 3;
  static final int D = 2;
  static final double DECAY = 0.5;
  static final double EPS = 0.1;
  static final double[] N0 = {2, 1, 0.5};
  static final double[][] M0 = {{2, 2}, {1, 0}, {0.5, 0.5}};
  static final double[][] Z = {{1, 1}, {3, 1}, {0, 2}, {1, -1}};
  static final long[] IDX = {0, 0, 1, 0};

  /** The expected state after one update without revival: {N, m, e}. */
  static double[][][] expected(double[] n0, double[][] m0, double[][] z, long[] idx) {
    double[] counts = new double[K];
    double[][] sums = new double[K][D];
    for (int i = 0; i < z.length; i++) {
      counts[(int) idx[i]]++;
      for (int d = 0; d < D; d++) {
        sums[(int) idx[i]][d] += z[i][d];
      }
    }
    double[] n = new double[K];
    double[][] m = new double[K][D];
    double total = 0;
    for (int k = 0; k < K; k++) {
      n[k] = DECAY * n0[k] + (1 - DECAY) * counts[k];
      total += n[k];
      for (int d = 0; d < D; d++) {
        m[k][d] = DECAY * m0[k][d] + (1 - DECAY) * sums[k][d];
      }
    }
    double[][] e = new double[K][D];
    for (int k = 0; k < K; k++) {
      double smoothed = (n[k] + EPS) / (total + K * EPS) * total;
      for (int d = 0; d < D; d++) {
        e[k][d] = m[k][d] / smoothed;
      }
    }
    return new double[][][] {{n}, m, e};
  }

  private static INDArray[] state() {
    return new INDArray[] {Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, K, D),
        Nd4j.createFromArray(N0).reshape(1, K), Nd4j.createFromArray(M0)};
  }

  private static CodeStatistics stats() {
    return CodeStatistics.of(Nd4j.createFromArray(Z), IDX, K);
  }

  @Test
  void updateFollowsFormulas() {
    INDArray[] s = state();
    int revived = new EmaCodebook(DECAY, EPS, 0.0).update(s[0], s[1], s[2], stats(), 1);
    assertEquals(0, revived);
    double[][][] exp = expected(N0, M0, Z, IDX);
    // by hand: N = (2.5, 1, 0.25), m = ((3.5, 1.5), (0.5, 1), (0.25, 0.25)), n = 3.75
    assertClose(new double[] {2.5, 1, 0.25}, s[1], 1e-12, "cluster sizes (by hand)");
    assertClose(new double[][] {{3.5, 1.5}, {0.5, 1}, {0.25, 0.25}}, s[2], 1e-12, "sums (by hand)");
    assertClose(new double[] {3.5 / (2.6 / 4.05 * 3.75), 1.5 / (2.6 / 4.05 * 3.75)},
        s[0].getRow(0), 1e-12, "code 0 (by hand)");
    assertClose(exp[0][0], s[1], 1e-12, "cluster sizes");
    assertClose(exp[1], s[2], 1e-12, "sums");
    assertClose(exp[2], s[0], 1e-12, "codebook");
  }

  @Test
  void deadCodeIsRevivedFromCandidatesDeterministically() {
    double threshold = 0.75; // N = (2.5, 1, 0.25): only code 2 is dead
    INDArray[] s = state();
    int revived = new EmaCodebook(DECAY, EPS, threshold).update(s[0], s[1], s[2], stats(), 42);
    assertEquals(1, revived);
    double[][][] exp = expected(N0, M0, Z, IDX);
    for (int k = 0; k < 2; k++) {
      assertClose(exp[2][k], s[0].getRow(k), 1e-12, "live code " + k);
      assertClose(exp[1][k], s[2].getRow(k), 1e-12, "live sum " + k);
      assertEquals(exp[0][0][k], s[1].getDouble(k), 1e-12, "live size " + k);
    }
    double[] code = TestArrays.flat(s[0].getRow(2));
    assertTrue(isRowOf(code, Z), "revived code is an encoder output: " + s[0].getRow(2));
    assertEquals(threshold, s[1].getDouble(2), 0.0);
    assertClose(new double[] {code[0] * threshold, code[1] * threshold}, s[2].getRow(2), 1e-12,
        "revived sum");

    INDArray[] again = state();
    new EmaCodebook(DECAY, EPS, threshold).update(again[0], again[1], again[2], stats(), 42);
    assertEquals(s[0], again[0], "same seed, same revival");
    assertEquals(s[1], again[1]);
    assertEquals(s[2], again[2]);
  }

  @Test
  void firstStepFromInitialStateRevivesEveryCode() {
    // the quantizer's initial EMA state: cluster sizes 1, sums = codebook
    INDArray codebook = Nd4j.createFromArray(new double[][] {{0.3, -0.2}, {1.1, 0.4}, {-0.7, 0.9}});
    INDArray size = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, K);
    INDArray sum = codebook.dup();
    // N_k = 0.99 + 0.01 n_k <= 1.03 < 2 for every code
    int revived = new EmaCodebook(0.99, 1e-5, 2.0).update(codebook, size, sum, stats(), 3);
    assertEquals(K, revived);
    for (int k = 0; k < K; k++) {
      double[] code = TestArrays.flat(codebook.getRow(k));
      assertTrue(isRowOf(code, Z), "code " + k + " is an encoder output: " + codebook.getRow(k));
      assertEquals(2.0, size.getDouble(k), 0.0);
      assertClose(new double[] {2 * code[0], 2 * code[1]}, sum.getRow(k), 1e-12, "sum " + k);
    }
  }

  static boolean isRowOf(double[] v, double[][] rows) {
    for (double[] r : rows) {
      if (java.util.Arrays.equals(v, r)) {
        return true;
      }
    }
    return false;
  }
}
