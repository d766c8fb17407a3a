package org.melforge.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.melforge.config.ConfigLoader;
import org.melforge.config.ConfigValidationException;
import org.melforge.sharing.SharingOptions.LearningRateScaling;
import org.melforge.sharing.SharingOptions.ThresholdAlgorithm;

/**
 * The {@code sharing} section's modes are enums spelt as in the configuration, in any case, and
 * written to and read from checkpoint JSON in that spelling, so format-2 checkpoints still read.
 */
class SharingOptionsTest {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private static SharingOptions options(String... overrides) {
    return SharingOptions.from(ConfigLoader.load(null, List.of(overrides)));
  }

  @Test
  void modesReadAsEnumsInAnyCase() {
    SharingOptions defaults = options();
    assertEquals(SharingMode.SHARED, defaults.mode());
    assertEquals(LearningRateScaling.SQRT, defaults.learningRateScaling());
    assertEquals(ThresholdAlgorithm.FIXED, defaults.thresholdAlgorithm());
    assertTrue(defaults.distributed());

    SharingOptions other = options("sharing.mode=ENCODED", "sharing.learning-rate-scaling=average",
        "sharing.threshold-algorithm=Target-Sparsity");
    assertEquals(SharingMode.ENCODED, other.mode());
    assertFalse(other.distributed());
    assertEquals(ThresholdAlgorithm.TARGET_SPARSITY, other.thresholdAlgorithm());
    assertEquals(0.25, other.workerLearningRate(1.0, 4));
    assertEquals(0.5, defaults.workerLearningRate(1.0, 4));
    assertEquals(1.0, options("sharing.learning-rate-scaling=sum").workerLearningRate(1.0, 4));

    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> options("sharing.mode=gossip"));
    assertEquals(List.of("sharing.mode: 'gossip' is not one of [shared, averaging, single, encoded]"),
        e.problems());
  }

  @Test
  void checkpointJsonKeepsTheConfigurationSpelling() throws Exception {
    SharingOptions options = options("sharing.threshold-algorithm=target-sparsity");
    JsonNode json = JSON.valueToTree(options);
    assertEquals("shared", json.get("mode").asText());
    assertEquals("sqrt", json.get("learning_rate_scaling").asText());
    assertEquals("target-sparsity", json.get("threshold_algorithm").asText());
    assertEquals(options, JSON.treeToValue(json, SharingOptions.class));

    SharingOptions formatTwo = JSON.readValue("""
        {"mode":"averaging","workers":2,"workers_per_node":0,"sync_interval":20,
         "learning_rate_scaling":"average","threshold_algorithm":"adaptive","threshold":1.0,
         "encoding_levels":4,"residual_clip":0.0,"port":40123,"network_mask":"",
         "controller_address":""}
        """, SharingOptions.class);
    assertEquals(SharingMode.AVERAGING, formatTwo.mode());
    assertEquals(LearningRateScaling.AVERAGE, formatTwo.learningRateScaling());
    assertEquals(ThresholdAlgorithm.ADAPTIVE, formatTwo.thresholdAlgorithm());
  }
}
