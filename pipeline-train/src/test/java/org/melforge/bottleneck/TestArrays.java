package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Assertions on ND4J arrays against plain Java arrays (C order). */
final class TestArrays {

  private TestArrays() {}

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
