package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SplitPolicyTest {

  private static final int IDS = 10_000;

  @Test
  void sameIdAndSaltGiveTheSameSplit() {
    SplitPolicy a = new SplitPolicy(0.8, 0.1, 0.1, "s");
    SplitPolicy b = new SplitPolicy(0.8, 0.1, 0.1, "s");
    for (int i = 0; i < 1000; i++) {
      assertEquals(a.assign("id-" + i), b.assign("id-" + i));
    }
  }

  @Test
  void ratiosAreRespectedOverManyIds() {
    Map<String, Integer> counts = count(new SplitPolicy(0.8, 0.1, 0.1, "s"));
    assertEquals(0.8, counts.get("train") / (double) IDS, 0.02);
    assertEquals(0.1, counts.get("valid") / (double) IDS, 0.02);
    assertEquals(0.1, counts.get("test") / (double) IDS, 0.02);
  }

  @Test
  void defaultsNeverAssignTest() {
    Map<String, Integer> counts = count(SplitPolicy.defaults());
    assertEquals(0, counts.getOrDefault("test", 0));
    assertEquals(0.9, counts.get("train") / (double) IDS, 0.02);
  }

  @Test
  void saltChangesTheAssignment() {
    SplitPolicy a = new SplitPolicy(0.5, 0.5, 0.0, "a");
    SplitPolicy b = new SplitPolicy(0.5, 0.5, 0.0, "b");
    long differ = java.util.stream.IntStream.range(0, 1000)
        .filter(i -> !a.assign("id-" + i).equals(b.assign("id-" + i))).count();
    assertNotEquals(0, differ);
  }

  @Test
  void ratiosAreValidated() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SplitPolicy(0.8, 0.1, 0.2, "s"));
    assertEquals("split ratios must be >= 0 and sum to 1, got train=0.8 valid=0.1 test=0.2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SplitPolicy(1.1, -0.1, 0.0, "s"));
    assertTrue(new SplitPolicy(1.0, 0.0, 0.0, "s").assign("x").equals("train"));
  }

  private static Map<String, Integer> count(SplitPolicy policy) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < IDS; i++) {
      counts.merge(policy.assign("speaker-" + i), 1, Integer::sum);
    }
    return counts;
  }
}
