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
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.hadoop.conf.Configuration;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.data.FeatureTable;
import org.melforge.model.ModelSpec;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.melforge.spark.TestSpark;
import org.melforge.training.JsonLines;
import org.melforge.training.SampleTables;
import org.melforge.training.TrainJob;
import org.melforge.training.TrainOptions;
import org.melforge.training.TrainResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The train job under gradient sharing in Spark local mode (two workers, batch 2 each): the loss
 * falls over epochs, checkpoints record the sharing setup, a resumed run continues the history and
 * the global step, and mid-epoch checkpoints give way to the epoch's end.
 */
class SharedTrainJobTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static SampleTables tables;

  @BeforeAll
  static void writeTables() {
    spark = TestSpark.get();
    tables = SampleTables.write(spark, tmp.resolve("features"));
  }

  private static TrainResult train(Path output, String... overrides) {
    return trainPreset("vqvae-80x128-tiny", output, overrides);
  }

  private static TrainResult trainPreset(String preset, Path output, String... overrides) {
    List<String> all = new ArrayList<>(List.of("train.table=\"" + tables.nsynth() + "\"",
        "train.output=\"" + output + "\"", "train.batch-size=2", "train.seed=3",
        "train.learning-rate=3e-3", "sharing.mode=shared", "sharing.sync-interval=2"));
    all.addAll(List.of(overrides));
    Config c = TinyPresets.config(preset, all.toArray(String[]::new));
    return new TrainJob(spark, ModelSpec.from(c), TrainOptions.from(c), SharingOptions.from(c))
        .execute();
  }

  @Test
  void lossFallsCheckpointsRecordSharingAndResumeContinues() throws IOException {
    Path out = tmp.resolve("shared");
    TrainResult three = train(out, "train.epochs=3", "train.checkpoint-interval-minutes=1e-9");

    List<JsonNode> epochs = JsonLines.read(out.resolve("history.jsonl"));
    assertEquals(3, epochs.size());
    double first = epochs.get(0).get("train_total").asDouble();
    double last = epochs.get(2).get("train_total").asDouble();
    assertTrue(last < 0.8 * first, "training loss falls under gradient sharing: " + first + " -> " + last);
    assertTrue(epochs.get(2).get("valid_total").asDouble() > 0, "validated every epoch");
    assertTrue(epochs.get(0).get("samples_per_second").asDouble() > 0);
    assertTrue(epochs.get(0).has("train_vq_perplexity"), "merged code counts: " + epochs.get(0));

    List<JsonNode> rounds = JsonLines.read(out.resolve("rounds.jsonl"));
    assertTrue(rounds.size() >= 3, "round rows: " + rounds.size());
    assertEquals(three.globalStep(), rounds.get(rounds.size() - 1).get("global_step").asLong());

    try (Stream<Path> dirs = Files.list(out)) {
      assertEquals(List.of("epoch-0001", "epoch-0002", "epoch-0003"), dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString()).sorted().toList(),
          "mid-epoch checkpoints were replaced by the epoch ends");
    }
    JsonNode info = JSON.readTree(out.resolve("epoch-0003/checkpoint.json").toFile());
    assertEquals(2, info.get("workers").asInt());
    assertEquals("shared", info.at("/sharing/mode").asText());
    assertEquals(three.globalStep(), info.get("global_step").asLong());

    TrainResult four = train(out, "train.epochs=4", "train.resume=true");
    assertEquals(3, four.startEpoch());
    List<JsonNode> resumed = JsonLines.read(out.resolve("history.jsonl"));
    assertEquals(4, resumed.size());
    assertEquals(epochs.get(2).toString(), resumed.get(2).toString(), "earlier rows kept");
    assertEquals(three.globalStep() * 4 / 3, four.globalStep(), "one more epoch of steps");
  }

  /**
   * With SpecAugment on, the workers' batches are masked on the executors (the settings travel
   * with the batcher, the rows with their valid frames): the run trains and the checkpoint
   * records the settings.
   */
  @Test
  void specAugmentTrainsOnTheExecutorsAndIsRecorded() throws IOException {
    Path out = tmp.resolve("spec-augment");
    TrainResult r = train(out, "train.epochs=1", "train.max-batches-per-epoch=2",
        "train.spec-augment.enabled=true", "train.spec-augment.time-mask-width=20",
        "train.spec-augment.freq-mask-width=10");
    assertEquals(2, r.globalStep(), "two steps, each a batch of both workers");
    JsonNode row = JsonLines.read(out.resolve("history.jsonl")).get(0);
    assertTrue(Double.isFinite(row.get("train_recon").asDouble()), row.toString());
    JsonNode info = JSON.readTree(out.resolve("epoch-0001/checkpoint.json").toFile());
    assertEquals("shared", info.at("/sharing/mode").asText());
    assertTrue(info.at("/train/spec_augment/enabled").asBoolean(), info.get("train").toString());
    assertEquals(20, info.at("/train/spec_augment/time_mask_width").asInt());
  }

  /**
   * BSQ-CNN, a layer without parameters or state, trains under gradient sharing unchanged: the
   * reconstruction falls, its metrics are merged over both workers and the valid split, and the
   * checkpoint reopens to a model whose codes decode to its reconstruction.
   */
  @Test
  void bsqTrainsUnderGradientSharingAndItsCheckpointReopens() throws IOException {
    Path out = tmp.resolve("bsq");
    TrainResult two = trainPreset("bsq-cnn-80x128-tiny", out, "train.epochs=3");
    List<JsonNode> epochs = JsonLines.read(out.resolve("history.jsonl"));
    assertEquals(3, epochs.size());
    double first = epochs.get(0).get("train_recon").asDouble();
    double last = epochs.get(2).get("train_recon").asDouble();
    assertTrue(last < 0.9 * first, "reconstruction falls under gradient sharing: " + first + " -> "
        + last);
    for (String split : new String[] {"train", "valid"}) {
      for (String metric : new String[] {"bsq_loss", "bsq_commitment", "bsq_h_sample",
          "bsq_h_codebook", "bsq_h_codebook_epoch", "bsq_codes_used", "bsq_bit_0", "bsq_bit_3"}) {
        assertTrue(Double.isFinite(epochs.get(2).path(split + "_" + metric).asDouble(Double.NaN)),
            split + "_" + metric + " in " + epochs.get(2));
      }
      assertTrue(epochs.get(2).get(split + "_bsq_codes_used").asDouble() >= 1);
    }
    JsonNode info = JSON.readTree(out.resolve("epoch-0003/checkpoint.json").toFile());
    assertEquals(2, info.get("workers").asInt());
    assertEquals("bsq-cnn", info.at("/model/family").asText());
    assertEquals(4, info.at("/model/bsq/bits").asInt());
    TokenizerModel model = Checkpoint.open(out.toString(), new Configuration()).model();
    assertEquals(two.globalStep(), model.iterations());
    INDArray x = TinyPresets.spectrograms(2, 80, 128, 4);
    assertTrue(model.decode(model.encode(x)).equalsWithEps(model.reconstruct(x), 1e-5),
        "the reopened model decodes its codes to its reconstruction");
  }

  @Test
  void theVaeBetaFollowsTheGlobalStepOfAllWorkers() throws IOException {
    Path out = tmp.resolve("vae");
    TrainResult one = trainPreset("timbre-vae-tiny", out, "train.epochs=1", "model.timbre-vae.beta-warmup-steps=20");
    long rows = FeatureTable.open(spark, tables.nsynth()).count("train");
    long perWorker = (rows + 1) / 2;
    assertEquals((perWorker + 1) / 2, one.globalStep(),
        "a global step is one batch of 2 of each of the 2 workers");
    ModelSpec spec = TinyPresets.spec("timbre-vae-tiny");
    double expected = Math.min(1.0, one.globalStep() / 20.0) * spec.timbreVae().betaMax();
    assertEquals(expected, one.valid().get("beta"), 1e-6, "beta at the global step");
  }
}
