package org.melforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

  @Test
  void versionsComeFromTheBuildAndTheRunningJvm() {
    Map<String, String> versions = BuildInfo.versions();
    assertEquals(List.of("melforge", "spark", "java"), List.copyOf(versions.keySet()));
    assertEquals(TestSpark.get().version(), versions.get("spark"), "built against the Spark the tests run on");
    assertEquals(System.getProperty("java.version"), versions.get("java"));
    String melforge = versions.get("melforge");
    assertFalse(melforge.isBlank() || melforge.contains("${"), "filtered by the build: " + melforge);
    assertThrows(UnsupportedOperationException.class, () -> versions.put("x", "y"));
  }

  @Test
  void gitCommitIsAFullHashOrUnknown() {
    String commit = BuildInfo.gitCommit();
    assertTrue(commit.matches("[0-9a-f]{40}(-dirty)?|unknown"), commit);
  }

  @Test
  void anUnknownPropertyIsNamed() {
    assertEquals(BuildInfo.versions().get("spark"), BuildInfo.property("spark.version"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BuildInfo.property("no.such.key"));
    assertTrue(e.getMessage().contains("'no.such.key'") && e.getMessage().contains("git.commit"), e.getMessage());
  }
}
