package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.melforge.bottleneck.TestArrays.assertClose;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CodebooksTest {

  /** Codes 1 and 3 are identical, so any vector nearest to them ties. */
  private static final double[][] CODES = {{0, 0}, {2, 0}, {0, 2}, {2, 0}};

  private static INDArray codebook() {
    return Nd4j.createFromArray(CODES);
  }

  @Test
  void squaredDistancesMatchLoop() {
    double[][] z = {{1, 0}, {2, 0.1}, {-1, 3}, {0.5, 0.5}};
    double[][] expected = new double[z.length][CODES.length];
    for (int i = 0; i < z.length; i++) {
      for (int k = 0; k < CODES.length; k++) {
        expected[i][k] = TestArrays.sqDist(z[i], CODES[k]);
      }
    }
    // e.g. (1, 0) to (0, 2): 1 + 4 = 5
    assertClose(expected, Codebooks.squaredDistances(Nd4j.createFromArray(z), codebook()), 1e-12,
        "squared distances");
  }

  @Test
  void nearestCodeWithTiesToLowestIndex() {
    double[][] z = {
        {1, 0},      // equidistant (1) to code 0 and code 1: 0
        {2, 0.1},    // codes 1 and 3 identical: 1
        {-1, 3},     // code 2
        {1.9, -0.2}, // code 1 (tie with 3)
        {0.1, 0.2},  // code 0
    };
    assertArrayEquals(new long[] {0, 1, 2, 1, 0},
        Codebooks.nearest(Nd4j.createFromArray(z), codebook()));
  }

  @Test
  void lookupReturnsRows() {
    INDArray rows = Codebooks.lookup(codebook(), new long[] {2, 0, 3, 2});
    assertClose(new double[][] {{0, 2}, {0, 0}, {2, 0}, {0, 2}}, rows, 0, "lookup");
  }

  @Test
  void rowsAndNchwRoundTripInBatchYxOrder() {
    int b = 2;
    int d = 3;
    int h = 2;
    int w = 3;
    INDArray nchw = Nd4j.create(DataType.DOUBLE, b, d, h, w);
    for (int i = 0; i < b; i++) {
      for (int c = 0; c < d; c++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            nchw.putScalar(new long[] {i, c, y, x}, 1000 * i + 100 * c + 10 * y + x);
          }
        }
      }
    }
    double[][] expected = new double[b * h * w][d];
    for (int i = 0; i < b; i++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < d; c++) {
            expected[(i * h + y) * w + x][c] = 1000 * i + 100 * c + 10 * y + x;
          }
        }
      }
    }
    INDArray rows = Codebooks.rows(nchw);
    assertClose(expected, rows, 0, "rows");
    INDArray back = Codebooks.nchw(rows, b, h, w);
    assertArrayEquals(nchw.shape(), back.shape());
    assertClose(TestArrays.flat(nchw), back, 0, "nchw");
  }
}
