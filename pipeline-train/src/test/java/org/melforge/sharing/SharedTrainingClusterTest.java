package org.melforge.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.data.FeatureTable;
import org.melforge.metrics.EpochMetrics;
import org.melforge.model.ModelSpec;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.melforge.spark.LocalCluster;
import org.melforge.training.SampleTables;
import org.melforge.training.TrainJob;
import org.melforge.training.TrainOptions;
import org.melforge.training.TrainResult;

/**
 * Gradient sharing on {@code local-cluster[2,1,2048]}: two executor JVMs, one worker each, the
 * real parameter-server transport over loopback. Each test runs on a cluster of its own (DL4J keeps
 * one transport per JVM and training run).
 */
@Tag(LocalCluster.TAG)
class SharedTrainingClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  private static SparkSession cluster() {
    LocalCluster.stop();
    return LocalCluster.session(2, 1, 2048);
  }

  @AfterAll
  static void stopCluster() {
    LocalCluster.stop();
  }

  private static Config config(String preset, String... overrides) {
    List<String> all = new ArrayList<>(List.of("train.batch-size=2", "train.seed=3",
        "train.learning-rate=3e-3", "sharing.mode=shared", "sharing.sync-interval=2",
        "sharing.port=40411"));
    all.addAll(List.of(overrides));
    return TinyPresets.config(preset, all.toArray(String[]::new));
  }

  @Test
  void bothExecutorsTrainAndEveryReplicaHoldsTheDriversCodebookAndParameters() {
    SparkSession spark = cluster();
    SampleTables tables = SampleTables.write(spark, tmp.resolve("features-a"));
    Config c = config("vqvae-80x128-tiny");
    SharingOptions sharing = SharingOptions.from(c);
    assertEquals(2, SharedTrainer.workers(spark.sparkContext(), sharing), "one worker per executor");
    TokenizerModel model = TokenizerModel.create(ModelSpec.from(c), 1.5e-3, 3);
    FeatureTable table = FeatureTable.open(spark, tables.nsynth());
    List<Double> epochLoss = new ArrayList<>();
    try (SharedTrainer trainer = new SharedTrainer(spark.sparkContext(), model, sharing, 2, 2,
        1.5e-3, 3)) {
      for (int e = 1; e <= 2; e++) {
        EpochMetrics metrics = new EpochMetrics(model);
        try (EpochRounds epoch = trainer.epoch(table, "train", 100 + e, 0, false)) {
          for (int r = 0; r < epoch.rounds(); r++) {
            metrics.merge(epoch.train(r, model.iterations()).metrics());
            assertEquals(2, trainer.replicasLastRound(),
                "a replica on each executor trained with the installed codebook");
            Map<String, Map<String, List<String>>> prints = trainer.fingerprints();
            assertEquals(Set.of("model", "0", "1"), prints.keySet(), "driver and both executors");
            SharedTrainingTest.assertReplicasAgree(prints);
          }
        }
        epochLoss.add(metrics.summary().get("total"));
        Map<String, Double> drift = trainer.replicaDrift();
        assertEquals(Set.of("0", "1"), drift.keySet(), "both executors' replicas");
        drift.forEach((executor, d) -> assertEquals(0.0, d, "executor " + executor
            + "'s parameters equal the driver's after the epoch"));
      }
      assertTrue(trainer.revivedCodes() > 0, "codes were revived, by the driver only");
      SharedTrainingTest.assertEveryLevelSent(trainer, sharing.encodingLevels());
    }
    assertTrue(epochLoss.get(1) < epochLoss.get(0), "the loss falls: " + epochLoss);
  }

  @Test
  void checkpointsOfASharedRunResumeOnAFreshCluster() throws IOException {
    Path out = tmp.resolve("run");
    SparkSession session = cluster();
    SampleTables tables = SampleTables.write(session, tmp.resolve("features-b"));
    TrainResult two = train(session, tables, out, "train.epochs=2");
    JsonNode info = JSON.readTree(out.resolve("epoch-0002/checkpoint.json").toFile());
    assertEquals(2, info.get("workers").asInt());
    assertEquals(two.globalStep(), info.get("global_step").asLong());

    TrainResult three = train(cluster(), tables, out, "train.epochs=3", "train.resume=true");
    assertEquals(2, three.startEpoch());
    assertEquals(two.globalStep() * 3 / 2, three.globalStep());
    List<String> history = Files.readAllLines(out.resolve("history.jsonl"));
    assertEquals(3, history.size());
    double first = JSON.readTree(history.get(0)).get("train_total").asDouble();
    double last = JSON.readTree(history.get(2)).get("train_total").asDouble();
    assertTrue(last < first, "the loss falls across the resume: " + first + " -> " + last);
  }

  private static TrainResult train(SparkSession spark, SampleTables tables, Path out,
      String... overrides) {
    List<String> all = new ArrayList<>(List.of("train.table=\"" + tables.nsynth() + "\"",
        "train.output=\"" + out + "\""));
    all.addAll(List.of(overrides));
    Config c = config("vqvae-80x128-tiny", all.toArray(String[]::new));
    return new TrainJob(spark, ModelSpec.from(c), TrainOptions.from(c), SharingOptions.from(c))
        .execute();
  }
}
