package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Assertions on ND4J arrays against plain Java arrays (C order), and arrays built from them. */
final class TestArrays {

  private TestArrays() {}

  /** Rows of channels, one per position in (b, y, x) order, as an NCHW array (b, d, h, w). */
  static INDArray nchw(double[][] rows, int b, int h, int w) {
    int d = rows[0].length;
    INDArray a = Nd4j.create(DataType.DOUBLE, b, d, h, w);
    for (int n = 0; n < b; n++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < d; c++) {
            a.putScalar(new long[] {n, c, y, x}, rows[(n * h + y) * w + x][c]);
          }
        }
      }
    }
    return a;
  }

  static double[] flat(INDArray a) {
    return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
  }

  static void assertClose(double[] expected, INDArray actual, double tol, String what) {
    double[] got = flat(actual);
    assertEquals(expected.length, got.length, what + ": length");
    assertArrayEquals(expected, got, tol, what);
  }

  static void assertClose(double[][] expected, INDArray actual, double tol, String what) {
    assertArrayEquals(new long[] {expected.length, expected[0].length}, actual.shape(), what + ": shape");
    double[] e = new double[expected.length * expected[0].length];
    for (int i = 0; i < expected.length; i++) {
      System.arraycopy(expected[i], 0, e, i * expected[0].length, expected[0].length);
    }
    assertClose(e, actual, tol, what);
  }

  static double sqDist(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }

  /** Nearest row of {@code codes} to {@code z} by a plain loop; ties to the lowest index. */
  static int nearest(double[] z, double[][] codes) {
    int best = 0;
    for (int k = 1; k < codes.length; k++) {
      if (sqDist(z, codes[k]) < sqDist(z, codes[best])) {
        best = k;
      }
    }
    return best;
  }
}
