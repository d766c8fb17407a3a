package org.melforge.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Percentiles as numpy's default (linear between closest ranks), NaN left out. */
class DistributionTest {

  @Test
  void percentilesInterpolateBetweenClosestRanks() {
    Distribution d = Distribution.of(new double[] {4, 1, 3, 2, Double.NaN, 5});
    assertEquals(5, d.count());
    assertEquals(3.0, d.mean(), 0);
    assertEquals(Math.sqrt(2.0), d.std(), 1e-15);
    // numpy.percentile([1, 2, 3, 4, 5], [5, 50, 95]) = [1.2, 3.0, 4.8]
    assertEquals(1.2, d.p5(), 1e-12);
    assertEquals(3.0, d.p50(), 0);
    assertEquals(4.8, d.p95(), 1e-12);
  }

  @Test
  void infiniteAndEmptyValuesAreNotHidden() {
    Distribution inf = Distribution.of(new double[] {10, Double.POSITIVE_INFINITY});
    assertEquals(Double.POSITIVE_INFINITY, inf.mean());
    assertEquals(Double.POSITIVE_INFINITY, inf.p95());
    Distribution none = Distribution.of(new double[] {Double.NaN});
    assertEquals(0, none.count());
    assertTrue(Double.isNaN(none.mean()) && Double.isNaN(none.p50()));
  }
}
