package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.bottleneck.Codebooks;
import org.melforge.bottleneck.KMeans;
import org.melforge.bottleneck.VectorQuantizer;
import org.melforge.checkpoint.CheckpointInfo;
import org.melforge.checkpoint.Checkpoints;
import org.melforge.data.FeatureTable;
import org.melforge.metrics.MetricsHistory;
import org.melforge.model.ModelSpec;
import org.melforge.model.TimbreVaeSpec;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.melforge.sharing.SharingOptions;
import org.melforge.spark.TestSpark;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The train job end to end on tables written by the real features job from the bundled samples
 * (Spark local mode, Parquet, DL4J; tiny presets, batch 4, two steps per epoch). Proves that a run
 * writes one complete checkpoint (model.zip, checkpoint.json with every documented field) and one
 * history row per epoch; that a resumed run continues exactly where the uninterrupted run would be
 * (same global step, parameters and updater state, history rows kept); that incomplete checkpoint
 * folders are ignored; that a changed model, a table of another shape and an empty train split are
 * refused with messages naming the cause; that the VAE's metrics reach the history; that
 * {@code sharing.mode = encoded} moves the weights by what the sharing encoder sends and nothing
 * else; and that the k-means codebook initialisation sets the centers of the encoder outputs of
 * the first batches, with EMA cluster sizes of counts per batch and sums of center x size.
 */
class TrainJobTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VQ = "vqvae-128x320-tiny";
  private static final int STEPS_PER_EPOCH = 2;

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static Configuration hadoop;
  private static String speech;
  private static String nsynth;
  private static Path twoEpochs;
  private static TrainResult twoEpochsResult;

  @BeforeAll
  static void writeTables() {
    spark = TestSpark.get();
    hadoop = spark.sparkContext().hadoopConfiguration();
    SampleTables tables = SampleTables.write(spark, tmp.resolve("features"));
    speech = tables.speech();
    nsynth = tables.nsynth();
  }

  /** The configuration of a tiny run: preset, table, output, batch 4, two steps per epoch. */
  private static Config config(String preset, String table, Path output, String... overrides) {
    List<String> all = new ArrayList<>(List.of("train.table=\"" + table + "\"",
        "train.output=\"" + output + "\"", "train.batch-size=4",
        "train.max-batches-per-epoch=" + STEPS_PER_EPOCH, "train.seed=7", "sharing.mode=single"));
    all.addAll(List.of(overrides));
    return TinyPresets.config(preset, all.toArray(String[]::new));
  }

  private static TrainResult train(String preset, String table, Path output, String... overrides) {
    Config c = config(preset, table, output, overrides);
    return new TrainJob(spark, ModelSpec.from(c), TrainOptions.from(c), SharingOptions.from(c))
        .execute();
  }

  /** A two-epoch vqvae-128x320-tiny run on the speech table, done once; tests copy it to change it. */
  private static synchronized Path twoEpochRun() {
    if (twoEpochs == null) {
      Path out = tmp.resolve("two-epochs");
      twoEpochsResult = train(VQ, speech, out, "train.epochs=2");
      twoEpochs = out;
    }
    return twoEpochs;
  }

  private static Path copyOfTwoEpochRun(String name) throws IOException {
    Path from = twoEpochRun();
    Path to = tmp.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(from.relativize(f).toString()));
      }
    }
    return to;
  }

  private static List<JsonNode> historyRows(Path output) throws IOException {
    return JsonLines.read(output.resolve(MetricsHistory.JSONL));
  }

  private static List<String> epochFolders(Path output) throws IOException {
    try (Stream<Path> s = Files.list(output)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("epoch-")).sorted().toList();
    }
  }

  private static ComputationGraph restore(Path checkpoint) {
    return Checkpoints.read(new org.apache.hadoop.fs.Path(checkpoint.toUri()), hadoop).graph();
  }

  @Test
  void everyEpochWritesACompleteCheckpointAndAHistoryRow() throws IOException {
    Path out = twoEpochRun();
    TrainResult result = twoEpochsResult;
    FeatureTable table = FeatureTable.open(spark, speech);
    long trainRows = table.count("train");
    assertTrue(trainRows > STEPS_PER_EPOCH * 4, "the cap, not the split, limits an epoch: " + trainRows);

    assertEquals(out, Path.of(java.net.URI.create(result.output())));
    assertEquals(0, result.startEpoch());
    assertEquals(2, result.epochs());
    assertEquals(2 * STEPS_PER_EPOCH, result.globalStep());
    assertEquals("epoch-0002", new org.apache.hadoop.fs.Path(result.lastCheckpoint()).getName());
    assertEquals(List.of("epoch-0001", "epoch-0002"), epochFolders(out));

    for (int epoch = 1; epoch <= 2; epoch++) {
      Path dir = out.resolve(String.format("epoch-%04d", epoch));
      assertTrue(Files.size(dir.resolve(Checkpoints.MODEL)) > 0, dir + " has model.zip");
      JsonNode info = JSON.readTree(dir.resolve(Checkpoints.INFO).toFile());
      assertEquals(CheckpointInfo.FORMAT_VERSION, info.get("format_version").asInt());
      assertEquals(64, info.at("/sha256/model.zip").asText().length(), "model.zip hash recorded");
      assertEquals(0, info.get("round").asInt(), "an epoch's end");
      assertEquals(1, info.get("workers").asInt());
      assertEquals("single", info.at("/sharing/mode").asText());
      assertEquals(VQ, info.at("/model/preset").asText());
      assertEquals("vqvae", info.at("/model/family").asText());
      assertEquals(16, info.at("/model/vq/num_embeddings").asInt());
      assertEquals(2, info.at("/train/epochs").asInt());
      assertEquals(4, info.at("/train/batch_size").asInt());
      assertEquals(epoch, info.get("epoch").asInt());
      assertEquals(epoch * STEPS_PER_EPOCH, info.get("global_step").asLong());
      Map<String, Long> counts = new LinkedHashMap<>();
      info.at("/features/split_counts").fields()
          .forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
      assertEquals(table.splitCounts(), counts);
      assertEquals(List.of(128, 320), List.of(info.at("/features/n_mels").asInt(),
          info.at("/features/n_frames").asInt()));
      String sha = info.at("/features/stats_sha256").asText();
      assertTrue(sha.matches("[0-9a-f]{64}"), sha);
      assertEquals(table.statsSha256(), sha);
      assertTrue(info.get("stats").isObject(), "stats is the statistics JSON itself");
      assertEquals(JSON.readTree(table.statsJson()), info.get("stats"));
      assertEquals(table.statsPath(), info.get("stats_path").asText());
      assertEquals("1.0.0-M2.1", info.at("/versions/dl4j").asText());
      assertFalse(info.get("git_commit").asText().isBlank());
      Instant created = Instant.parse(info.get("created_at").asText());
      assertTrue(created.isBefore(Instant.now().plusSeconds(1)));
      for (String metrics : List.of("train_metrics", "valid_metrics")) {
        for (String key : List.of("recon", "total", "vq_loss", "vq_perplexity", "vq_usage", "vq_dead")) {
          assertTrue(info.get(metrics).get(key).isNumber(), metrics + "." + key + " in " + info.get(metrics));
        }
        double perplexity = info.get(metrics).get("vq_perplexity").asDouble();
        assertTrue(perplexity >= 1 && perplexity <= 16, metrics + " perplexity " + perplexity);
        assertEquals(info.get(metrics).get("recon").asDouble() + info.get(metrics).get("vq_loss").asDouble(),
            info.get(metrics).get("total").asDouble(), 1e-6, metrics + ": total = recon + vq_loss");
      }
      CheckpointInfo restored = Checkpoints.read(new org.apache.hadoop.fs.Path(dir.toUri()), hadoop).info();
      assertEquals(ModelSpec.from(config(VQ, speech, out)), restored.model());
      assertEquals(table.identity(), restored.features());
    }
    assertEquals(result.train().get("recon"),
        JSON.readTree(out.resolve("epoch-0002/checkpoint.json").toFile()).at("/train_metrics/recon").asDouble());

    List<JsonNode> rows = historyRows(out);
    assertEquals(2, rows.size());
    List<String> csv = Files.readAllLines(out.resolve(MetricsHistory.CSV));
    assertEquals(3, csv.size(), "header and two rows");
    List<String> header = List.of(csv.get(0).split(","));
    for (String column : List.of("epoch", "global_step", "samples_per_second", "wall_seconds",
        "train_recon", "train_total", "train_vq_loss", "train_vq_perplexity", "valid_recon",
        "valid_total", "valid_vq_perplexity")) {
      assertTrue(header.contains(column), column + " in " + header);
      assertTrue(rows.get(0).has(column), column + " in " + rows.get(0));
    }
    for (int i = 0; i < 2; i++) {
      JsonNode row = rows.get(i);
      assertEquals(i + 1, row.get("epoch").asInt());
      assertEquals((i + 1L) * STEPS_PER_EPOCH, row.get("global_step").asLong());
      assertTrue(row.get("samples_per_second").asDouble() > 0);
      assertTrue(row.get("wall_seconds").asDouble() > 0);
      List<String> values = List.of(csv.get(i + 1).split(","));
      assertEquals(header.size(), values.size());
      for (int c = 0; c < header.size(); c++) {
        assertEquals(row.get(header.get(c)).asDouble(), Double.parseDouble(values.get(c)), 0,
            header.get(c) + " in csv row " + (i + 1));
      }
    }
    assertEquals(result.valid().get("recon"), rows.get(1).get("valid_recon").asDouble());
  }

  @Test
  void resumeContinuesExactlyLikeAnUninterruptedRun() throws IOException {
    Path resumed = copyOfTwoEpochRun("resumed");
    List<JsonNode> before = historyRows(resumed);

    TrainResult noop = train(VQ, speech, resumed, "train.epochs=2", "train.resume=true");
    assertEquals(List.of(2, 2, 2L * STEPS_PER_EPOCH),
        List.of(noop.startEpoch(), noop.epochs(), noop.globalStep()), "nothing left to do");
    assertEquals(List.of("epoch-0001", "epoch-0002"), epochFolders(resumed));

    TrainResult result = train(VQ, speech, resumed, "train.epochs=3", "train.resume=true");
    assertEquals(2, result.startEpoch());
    assertEquals(3, result.epochs());
    assertEquals(3L * STEPS_PER_EPOCH, result.globalStep(), "the global step continues");
    assertEquals(List.of("epoch-0001", "epoch-0002", "epoch-0003"), epochFolders(resumed));
    List<JsonNode> rows = historyRows(resumed);
    assertEquals(3, rows.size());
    assertEquals(before, rows.subList(0, 2), "the rows of the resumed epochs are kept");
    assertEquals(3, rows.get(2).get("epoch").asInt());
    assertEquals(3L * STEPS_PER_EPOCH, rows.get(2).get("global_step").asLong());
    assertEquals(4, Files.readAllLines(resumed.resolve(MetricsHistory.CSV)).size());

    Path straight = tmp.resolve("straight");
    train(VQ, speech, straight, "train.epochs=3");
    ComputationGraph expected = restore(straight.resolve("epoch-0003"));
    ComputationGraph actual = restore(resumed.resolve("epoch-0003"));
    ComputationGraph epoch2 = restore(resumed.resolve("epoch-0002"));
    assertEquals(expected.getIterationCount(), actual.getIterationCount());
    assertEquals(3, actual.getEpochCount());
    assertTrue(expected.params().sub(epoch2.params()).amaxNumber().doubleValue() > 1e-4,
        "the third epoch changed the parameters");
    assertEquals(0, expected.params().sub(actual.params()).amaxNumber().doubleValue(), 1e-5,
        "resuming from epoch 2 (parameters, EMA codebook, Adam state, step) gives the parameters of"
            + " an uninterrupted run");
    assertEquals(0, expected.getUpdater().getStateViewArray()
        .sub(actual.getUpdater().getStateViewArray()).amaxNumber().doubleValue(), 1e-5, "Adam state");
    assertEquals(historyRows(straight).get(2).get("valid_total").asDouble(),
        rows.get(2).get("valid_total").asDouble(), 1e-5);
  }

  /**
   * BSQ-CNN in one JVM: every epoch's history row has its metrics, and resuming from its checkpoint
   * gives the parameters and Adam state of an uninterrupted run.
   */
  @Test
  void bsqCnnTrainsInOneJvmAndResumesLikeAnUninterruptedRun() throws IOException {
    String bsq = "bsq-cnn-80x128-tiny";
    Path resumed = tmp.resolve("bsq-resumed");
    train(bsq, nsynth, resumed, "train.epochs=1");
    TrainResult result = train(bsq, nsynth, resumed, "train.epochs=2", "train.resume=true");
    assertEquals(1, result.startEpoch());
    Path straight = tmp.resolve("bsq-straight");
    train(bsq, nsynth, straight, "train.epochs=2");
    JsonNode row = historyRows(resumed).get(1);
    for (String metric : new String[] {"train_bsq_h_codebook", "valid_bsq_h_codebook_epoch",
        "valid_bsq_codes_used", "valid_bsq_bit_3"}) {
      assertTrue(Double.isFinite(row.path(metric).asDouble(Double.NaN)), metric + " in " + row);
    }
    ComputationGraph expected = restore(straight.resolve("epoch-0002"));
    ComputationGraph actual = restore(resumed.resolve("epoch-0002"));
    assertEquals(0, expected.params().sub(actual.params()).amaxNumber().doubleValue(), 1e-5);
    assertEquals(0, expected.getUpdater().getStateViewArray()
        .sub(actual.getUpdater().getStateViewArray()).amaxNumber().doubleValue(), 1e-5, "Adam state");
    assertEquals(historyRows(straight).get(1).get("valid_total").asDouble(),
        row.get("valid_total").asDouble(), 1e-5);
  }

  @Test
  void latestIgnoresFoldersWithoutCheckpointJson() throws IOException {
    Path out = copyOfTwoEpochRun("incomplete");
    Checkpoints checkpoints = Checkpoints.at(out.toString(), hadoop);
    assertEquals("epoch-0002", checkpoints.latest().orElseThrow().getName());

    Files.createDirectories(out.resolve("epoch-0009"));
    Files.copy(out.resolve("epoch-0002/model.zip"), out.resolve("epoch-0009/model.zip"));
    Files.createDirectories(out.resolve("epoch-0012-old"));
    Files.copy(out.resolve("epoch-0002/checkpoint.json"), out.resolve("epoch-0012-old/checkpoint.json"));
    assertEquals("epoch-0002", checkpoints.latest().orElseThrow().getName(),
        "epoch-0009 has no checkpoint.json, epoch-0012-old is no checkpoint folder");

    Files.createDirectories(out.resolve("epoch-0010"));
    Files.copy(out.resolve("epoch-0001/model.zip"), out.resolve("epoch-0010/model.zip"));
    Files.copy(out.resolve("epoch-0001/checkpoint.json"), out.resolve("epoch-0010/checkpoint.json"));
    assertEquals("epoch-0010", checkpoints.latest().orElseThrow().getName(), "complete and newest");
    assertTrue(Checkpoints.at(tmp.resolve("nowhere").toString(), hadoop).latest().isEmpty());
  }

  @Test
  void resumingAnotherModelIsRefusedNamingTheCheckpoint() throws IOException {
    Path out = copyOfTwoEpochRun("other-model");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(VQ, speech, out, "train.epochs=3", "train.resume=true", "model.vq.num-embeddings=32"));
    assertTrue(e.getMessage().startsWith("checkpoint file:" + out.resolve("epoch-0002")
        + " was trained with other model settings (checkpoint vs now: [vq.num-embeddings: 16 vs 32])"),
        e.getMessage());
    assertEquals(List.of("epoch-0001", "epoch-0002"), epochFolders(out), "nothing written");
  }

  @Test
  void tableOfAnotherShapeIsRefusedWithBothShapes() {
    Path out = tmp.resolve("wrong-shape");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train("timbre-vae-tiny", speech, out, "train.epochs=1"));
    assertTrue(e.getMessage().contains("holds 128x320 tensors but model timbre-vae-tiny expects 80x128"),
        e.getMessage());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void specAugmentTrainsOnMaskedInputsAndIsRecorded() throws IOException {
    Path plain = twoEpochRun();
    Path out = tmp.resolve("spec-augment");
    String[] augment = {"train.epochs=2", "train.spec-augment.enabled=true",
        "train.spec-augment.time-masks=2", "train.spec-augment.time-mask-width=40",
        "train.spec-augment.freq-masks=1", "train.spec-augment.freq-mask-width=20"};
    TrainResult result = train(VQ, speech, out, augment);
    assertEquals(2, result.epochs());
    List<JsonNode> rows = historyRows(out);
    assertEquals(2, rows.size());
    JsonNode first = rows.get(0);
    JsonNode plainFirst = historyRows(plain).get(0);
    double recon = first.get("train_recon").asDouble();
    assertTrue(Double.isFinite(recon) && Double.isFinite(first.get("valid_recon").asDouble()));
    assertNotEquals(plainFirst.get("train_recon").asDouble(), recon,
        "same seed and rows, masked inputs: another training loss");
    for (String epoch : List.of("epoch-0001", "epoch-0002")) {
      JsonNode info = JSON.readTree(out.resolve(epoch).resolve(Checkpoints.INFO).toFile());
      assertTrue(info.at("/train/spec_augment/enabled").asBoolean(), info.get("train").toString());
      assertEquals(40, info.at("/train/spec_augment/time_mask_width").asInt());
      assertEquals(1, info.at("/train/spec_augment/freq_masks").asInt());
    }
    JsonNode plainInfo = JSON.readTree(plain.resolve("epoch-0001").resolve(Checkpoints.INFO).toFile());
    assertFalse(plainInfo.at("/train/spec_augment/enabled").asBoolean(true));
    CheckpointInfo restored = Checkpoints.read(
        new org.apache.hadoop.fs.Path(out.resolve("epoch-0002").toUri()), hadoop).info();
    assertEquals(TrainOptions.from(config(VQ, speech, out, augment)).specAugment(),
        restored.train(TrainOptions.class).specAugment());
  }

  @Test
  void specAugmentWiderThanTheTableIsRefused() {
    Path out = tmp.resolve("spec-augment-too-wide");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train("vqvae-80x128-tiny", nsynth, out, "train.epochs=1",
            "train.spec-augment.enabled=true", "train.spec-augment.freq-mask-width=81"));
    assertTrue(e.getMessage().contains("train.spec-augment.freq-mask-width: 81 is wider than the"
        + " table's 80 mel bins"), e.getMessage());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void emptyTrainSplitIsRefusedWithTheSplitCounts() {
    Path out = tmp.resolve("empty-split");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train("vqvae-80x128-tiny", nsynth, out, "train.epochs=1", "train.train-split=test"));
    assertTrue(e.getMessage().contains("has no rows in train split 'test' (splits: {train=14, valid=2})"),
        e.getMessage());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void timbreVaeHistoryHoldsKlAndLatentMetrics() throws IOException {
    Path out = tmp.resolve("vae");
    TrainResult result = train("timbre-vae-tiny", nsynth, out, "train.epochs=1");
    TimbreVaeSpec vae = ModelSpec.from(config("timbre-vae-tiny", nsynth, out)).timbreVae();

    assertEquals(STEPS_PER_EPOCH, result.globalStep());
    JsonNode row = historyRows(out).get(0);
    for (String split : List.of("train_", "valid_")) {
      for (String key : List.of("recon", "total", "kl_raw", "kl_free_bits", "beta", "mu_mean",
          "mu_std", "logvar_mean", "logvar_std", "latent_pairwise_distance")) {
        assertTrue(row.has(split + key) && row.get(split + key).isNumber(), split + key + " in " + row);
      }
    }
    double beta = result.train().get("beta");
    assertTrue(beta > 0 && beta <= vae.betaMax(), "beta " + beta);
    assertEquals((vae.betaSchedule().beta(0) + vae.betaSchedule().beta(1)) / 2, beta, 1e-6,
        "training beta: the warm-up at steps 0 and 1, equal batches");
    assertEquals(vae.betaSchedule().beta(STEPS_PER_EPOCH), result.valid().get("beta"), 1e-6,
        "validation beta: the warm-up at the global step");
    assertTrue(result.train().get("kl_free_bits") >= vae.freeBits() * vae.latentDim() - 1e-6);
    assertTrue(result.valid().get("latent_pairwise_distance") > 0);
    assertEquals(result.valid().get("recon") + result.valid().get("beta") * result.valid().get("kl_free_bits"),
        result.valid().get("total"), 1e-5);
  }

  @Test
  void encodedModeAppliesOnlyWhatTheSharingEncoderSends() {
    Config c = config(VQ, speech, tmp.resolve("encoded-held"));
    TrainOptions options = TrainOptions.from(c);
    ComputationGraph initial =
        TokenizerModel.create(ModelSpec.from(c), options.learningRate(), options.seed()).graph();
    train(VQ, speech, tmp.resolve("encoded-held"), "train.epochs=1", "sharing.mode=encoded",
        "sharing.threshold=1000");
    train(VQ, speech, tmp.resolve("encoded-sent"), "train.epochs=1", "sharing.mode=encoded");
    ComputationGraph held = restore(tmp.resolve("encoded-held").resolve("epoch-0001"));
    ComputationGraph sent = restore(tmp.resolve("encoded-sent").resolve("epoch-0001"));

    int layers = 0;
    int trained = 0;
    for (Layer layer : initial.getLayers()) {
      String name = layer.conf().getLayer().getLayerName();
      if (layer.numParams() > 0 && !"vq".equals(name)) {
        layers++;
        assertEquals(layer.params(), held.getLayer(name).params(),
            name + ": no step of 1000 x the rate was ever sent");
        trained += layer.params().equals(sent.getLayer(name).params()) ? 0 : 1;
      }
    }
    assertTrue(layers > 3, "layers compared: " + layers);
    assertTrue(trained > layers / 2, trained + " of " + layers + " layers moved at threshold 1.0");
  }

  @Test
  void kmeansInitLeavesAConvergedSelfConsistentEmaState() {
    Config c = config(VQ, speech, tmp.resolve("kmeans-direct"), "model.vq.kmeans-init-batches=2");
    ModelSpec spec = ModelSpec.from(c);
    TrainOptions options = TrainOptions.from(c);
    TokenizerModel model = TokenizerModel.create(spec, options.learningRate(), options.seed());
    Map<String, INDArray> params = model.graph().getLayer("vq").paramTable();
    INDArray fresh = params.get(VectorQuantizer.CODEBOOK).dup();
    List<INDArray> batches = new ArrayList<>();
    Iterator<INDArray> it = FeatureTable.open(spark, speech).localBatches("train", 4, options.seed(), false);
    batches.add(it.next());
    batches.add(it.next());

    StateInitializer.initialize(model, batches, options.seed());

    INDArray codebook = params.get(VectorQuantizer.CODEBOOK);
    INDArray size = params.get(VectorQuantizer.CLUSTER_SIZE);
    assertTrue(codebook.sub(fresh).amaxNumber().doubleValue() > 1e-3, "the codebook changed");
    String input = model.graph().getConfiguration().getVertexInputs().get("vq").get(0);
    List<INDArray> rows = new ArrayList<>();
    for (INDArray x : batches) {
      rows.add(Codebooks.rows(model.activations(model.evaluationBatch(x, 0)).get(input)));
    }
    INDArray z = Nd4j.vstack(rows.toArray(INDArray[]::new));
    long[] nearest = Codebooks.nearest(z, codebook);
    double[] counts = new double[spec.vq().numEmbeddings()];
    INDArray sums = Nd4j.zeros(codebook.dataType(), spec.vq().numEmbeddings(), spec.vq().embeddingDim());
    for (int i = 0; i < nearest.length; i++) {
      counts[(int) nearest[i]]++;
      sums.getRow(nearest[i]).addi(z.getRow(i));
    }
    KMeans km = KMeans.fit(z, spec.vq().numEmbeddings(), 50, options.seed());
    assertArrayEquals(km.centers().toFloatMatrix(), codebook.toFloatMatrix(), "the k-means centers");
    int used = 0;
    long moved = 0;
    double shift = 0;
    for (int k = 0; k < spec.vq().numEmbeddings(); k++) {
      assertEquals(km.counts()[k] / 2.0, size.getDouble(0, k), 1e-6, "cluster size of code " + k);
      moved += Math.abs(km.counts()[k] - (long) counts[k]);
      if (counts[k] > 0) {
        used++;
        shift = Math.max(shift, sums.getRow(k).div(counts[k]).sub(codebook.getRow(k)).amaxNumber().doubleValue());
      }
    }
    assertEquals(0, moved, "the counts are those of the final assignment to the nearest code");
    if (km.converged()) {
      assertTrue(shift < 1e-3 * codebook.amaxNumber().doubleValue(),
          "converged: every code is the mean of its cluster (float32 sums): " + shift);
    }
    assertTrue(used > spec.vq().numEmbeddings() / 2, used + " codes used");
    assertArrayEquals(codebook.mulColumnVector(size.reshape(-1, 1)).toFloatMatrix(),
        params.get(VectorQuantizer.EMBED_SUM).toFloatMatrix(), "EMA sums are center x size");

    Path out = tmp.resolve("kmeans-job");
    TrainResult result = train(VQ, speech, out, "train.epochs=1", "model.vq.kmeans-init-batches=2");
    assertEquals(STEPS_PER_EPOCH, result.globalStep());
    INDArray trained = restore(out.resolve("epoch-0001")).getLayer("vq").paramTable()
        .get(VectorQuantizer.CODEBOOK);
    INDArray plain = restore(twoEpochRun().resolve("epoch-0001")).getLayer("vq").paramTable()
        .get(VectorQuantizer.CODEBOOK);
    double fromKmeans = trained.sub(codebook).amaxNumber().doubleValue();
    assertTrue(fromKmeans < 0.1 * codebook.amaxNumber().doubleValue(),
        "two EMA steps (decay 0.99) keep the job's codebook near the k-means centers: " + fromKmeans);
    assertNotEquals(0, plain.sub(trained).amaxNumber().doubleValue());
  }
}
