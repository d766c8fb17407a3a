package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.melforge.bottleneck.TestArrays.assertClose;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class CodeStatisticsTest {

  private static final double[][] Z1 = {{1, 2}, {3, 4}, {5, 6}, {-1, 0.5}};
  private static final long[] I1 = {2, 0, 2, 2};
  private static final double[][] Z2 = {{10, 20}, {0.25, -0.5}};
  private static final long[] I2 = {0, 1};

  @Test
  void countsSumsAndCandidates() {
    CodeStatistics s = CodeStatistics.of(Nd4j.createFromArray(Z1), I1, 3);
    assertArrayEquals(new double[] {1, 0, 3}, s.counts());
    assertEquals(4.0, s.total());
    // code 0: (3, 4); code 1: nothing; code 2: (1, 2) + (5, 6) + (-1, 0.5)
    assertClose(new double[][] {{3, 4}, {0, 0}, {5, 8.5}}, s.sums(), 1e-12, "sums");
    assertClose(Z1, s.candidates(), 0, "candidates");
  }

  @Test
  void mergeIsAddition() {
    CodeStatistics a = CodeStatistics.of(Nd4j.createFromArray(Z1), I1, 3);
    CodeStatistics b = CodeStatistics.of(Nd4j.createFromArray(Z2), I2, 3);
    CodeStatistics m = a.merge(b);
    assertArrayEquals(new double[] {2, 1, 3}, m.counts());
    assertEquals(6.0, m.total());
    assertClose(new double[][] {{13, 24}, {0.25, -0.5}, {5, 8.5}}, m.sums(), 1e-12, "sums");
    assertClose(new double[][] {{1, 2}, {3, 4}, {5, 6}, {-1, 0.5}, {10, 20}, {0.25, -0.5}},
        m.candidates(), 0, "candidates, this one's first");
    // the operands are unchanged
    assertArrayEquals(new double[] {1, 0, 3}, a.counts());
    assertClose(new double[][] {{3, 4}, {0, 0}, {5, 8.5}}, a.sums(), 1e-12, "a.sums");
    assertArrayEquals(new double[] {1, 1, 0}, b.counts());
  }
}
