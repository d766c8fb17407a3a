package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BetaScheduleTest {

  @Test
  void linearWarmUp() {
    BetaSchedule s = new BetaSchedule(2.0, 2000);
    assertEquals(0.0, s.beta(0));
    assertEquals(0.001, s.beta(1), 1e-15);
    assertEquals(1.0, s.beta(1000), 1e-15);
    assertEquals(1.5, s.beta(1500), 1e-15);
    assertEquals(2.0 * 1999 / 2000, s.beta(1999), 1e-15);
    assertEquals(2.0, s.beta(2000));
    assertEquals(2.0, s.beta(2001));
    assertEquals(2.0, s.beta(1_000_000));
  }

  @Test
  void noWarmUpIsBetaMaxFromTheStart() {
    BetaSchedule s = new BetaSchedule(0.5, 0);
    assertEquals(0.5, s.beta(0));
    assertEquals(0.5, s.beta(10));
  }

  @Test
  void invalidArgumentsRejectedWithValue() {
    IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
        () -> new BetaSchedule(-0.25, 10));
    assertTrue(e1.getMessage().contains("betaMax") && e1.getMessage().contains("-0.25"),
        e1.getMessage());
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
        () -> new BetaSchedule(1.0, -7));
    assertTrue(e2.getMessage().contains("warmupSteps") && e2.getMessage().contains("-7"),
        e2.getMessage());
  }
}
