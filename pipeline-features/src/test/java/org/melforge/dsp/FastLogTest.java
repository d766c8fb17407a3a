package org.melforge.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FastLogTest {

  @Test
  void matchesMathLog10AcrossTheRangeOfPowers() {
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      double x = Math.pow(10.0, -12 + 24 * random.nextDouble());
      assertEquals(Math.log10(x), FastLog.log10(x), 1e-13, "log10(" + x + ")");
    }
    for (double x : new double[] {1e-10, 1.0, 2.0, 10.0, Math.nextDown(2.0), Math.nextUp(1.0),
        1.0 + 0.5 / 256, Double.MIN_NORMAL, Double.MAX_VALUE}) {
      assertEquals(Math.log10(x), FastLog.log10(x), 1e-13 * Math.max(1, Math.abs(Math.log10(x))),
          "log10(" + x + ")");
    }
  }
}
