package org.melforge.sharing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** How an epoch's batches are cut into rounds. */
class EpochShardsTest {

  @Test
  void roundsAreTheSyncIntervalLongExceptTheLast() {
    assertArrayEquals(new long[] {0, 10, 20, 25}, EpochShards.starts(25, 10, false));
    assertArrayEquals(new long[] {0, 10}, EpochShards.starts(10, 10, false));
    assertArrayEquals(new long[] {0, 3}, EpochShards.starts(3, 10, false));
  }

  @Test
  void aRampedEpochStartsWithOneStepRoundsAndDoublesUpToTheInterval() {
    assertArrayEquals(new long[] {0, 1, 2, 4, 8, 16, 26, 36, 40},
        EpochShards.starts(40, 10, true));
    assertArrayEquals(new long[] {0, 1, 2, 3}, EpochShards.starts(3, 10, true));
  }
}
