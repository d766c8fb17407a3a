package org.melforge.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.bottleneck.VectorQuantizer;
import org.melforge.data.FeatureTable;
import org.melforge.model.ModelSpec;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.melforge.spark.TestSpark;
import org.melforge.training.SampleTables;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient sharing in Spark local mode: two workers (two DL4J replicas in the local executor,
 * sharing threshold-encoded updates), the project's EMA synchronisation between rounds. Which
 * ParallelWrapper thread takes a batch is DL4J's choice, so this asserts that every replica that
 * trained used the installed state; that each of two executors trains every round is asserted by
 * {@code SharedTrainingClusterTest}.
 */
class SharedTrainingTest {

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static SampleTables tables;

  @BeforeAll
  static void writeTables() {
    spark = TestSpark.get();
    tables = SampleTables.write(spark, tmp.resolve("features"));
  }

  private static Config config(String preset, String... overrides) {
    List<String> all = new ArrayList<>(List.of("train.batch-size=4", "train.seed=7",
        "sharing.mode=shared", "sharing.sync-interval=1"));
    all.addAll(List.of(overrides));
    return TinyPresets.config(preset, all.toArray(String[]::new));
  }

  @Test
  void everyReplicaAndTheDriverHoldTheSameCodebookAfterEveryRound() {
    Config c = config("vqvae-128x320-tiny");
    ModelSpec spec = ModelSpec.from(c);
    TokenizerModel model = TokenizerModel.create(spec, 1e-3, 7);
    INDArray initial = model.graph().getLayer("vq").getParam(VectorQuantizer.CODEBOOK).dup();
    FeatureTable table = FeatureTable.open(spark, tables.speech());
    try (SharedTrainer trainer = new SharedTrainer(spark.sparkContext(), model,
        SharingOptions.from(c), 2, 4, 5e-4, 7)) {
      long rows = table.count("train");
      long perWorker = (rows + 1) / 2;
      long expectedSteps = (perWorker + 3) / 4;
      long step = 0;
      long examples = 0;
      try (EpochRounds epoch = trainer.epoch(table, "train", 11, 0, false)) {
        assertEquals(expectedSteps, epoch.rounds(), "one step per worker and round");
        for (int r = 0; r < epoch.rounds(); r++) {
          EpochRounds.Round round = epoch.train(r, step);
          step += round.steps();
          examples += round.metrics().examples();
          assertTrue(trainer.replicasLastRound() >= 1, "replicas trained with the installed state");
          assertReplicasAgree(trainer.fingerprints());
        }
      }
      assertEquals(rows, examples, "every train row once, the rows dealt evenly to both workers");
      assertEquals(expectedSteps, step);
      assertEquals(expectedSteps, model.iterations(), "the driver's model counts global steps");
      assertTrue(trainer.revivedCodes() > 0, "dead codes were revived (on the driver only)");
      assertEveryLevelSent(trainer, SharingOptions.from(c).encodingLevels());
      INDArray now = model.graph().getLayer("vq").getParam(VectorQuantizer.CODEBOOK);
      assertTrue(now.sub(initial).amaxNumber().doubleValue() > 1e-3,
          "the driver applied the merged EMA updates");
    }
  }

  /**
   * Every executor's gradient sharing encoded with the levelled handler (the count throws where
   * one does not), and every level sent messages.
   */
  static void assertEveryLevelSent(SharedTrainer trainer, int levels) {
    long[] perLevel = trainer.encoderTraffic().messages();
    assertEquals(levels, perLevel.length);
    for (long messages : perLevel) {
      assertTrue(messages > 0, "messages per level: " + Arrays.toString(perLevel));
    }
  }

  /** Every live replica of every executor holds exactly the driver's quantizer state. */
  static void assertReplicasAgree(Map<String, Map<String, List<String>>> fingerprints) {
    Map<String, List<String>> driver = fingerprints.get("model");
    assertFalse(driver.isEmpty());
    int seen = 0;
    for (Map.Entry<String, Map<String, List<String>>> e : fingerprints.entrySet()) {
      if (e.getKey().equals("model")) {
        continue;
      }
      for (Map.Entry<String, List<String>> layer : e.getValue().entrySet()) {
        for (String p : layer.getValue()) {
          assertEquals(driver.get(layer.getKey()).get(0), p,
              "replica of " + layer.getKey() + " on executor " + e.getKey());
        }
        seen += layer.getValue().size();
      }
    }
    assertTrue(seen >= driver.size(), "live replicas of every quantizer: " + fingerprints);
  }
}
