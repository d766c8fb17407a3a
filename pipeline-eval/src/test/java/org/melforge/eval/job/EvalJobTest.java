package org.melforge.eval.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.eval.metrics.Distribution;
import org.melforge.eval.metrics.ExampleMetrics;
import org.melforge.model.LossParts;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The eval job end to end on tiny checkpoints of the sample corpora, each output checked against
 * an independent computation on the driver: every example's metrics against the model run on that
 * example alone, the summaries against the examples' values, the code counts against the codes
 * the model gives each example, the posterior statistics against its activations.
 */
class EvalJobTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static EvalFixtures fx;
  private static Configuration hadoop;

  @BeforeAll
  static void fixtures() {
    fx = EvalFixtures.get();
    hadoop = fx.spark().sparkContext().hadoopConfiguration();
  }

  private static EvalResult evaluate(String preset, String split, String name) {
    EvalOptions options = EvalFixtures.options(List.of(fx.run(preset).toString()),
        fx.table(preset), split, fx.root().resolve("eval").resolve(name), "eval.report=false");
    return new EvalJob(fx.spark(), options).execute();
  }

  /** The table's rows of {@code split} by id: tensor and valid frames. */
  private static Map<String, Row> rows(String table, String split) {
    Map<String, Row> out = new TreeMap<>();
    fx.spark().read().parquet(table).where("split = '" + split + "'")
        .select(TensorTable.ID, TensorTable.TENSOR, TensorTable.VALID_FRAMES, TensorTable.N_MELS,
            TensorTable.N_FRAMES).collectAsList().forEach(r -> out.put(r.getString(0), r));
    return out;
  }

  private static float[] floats(byte[] bytes) {
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static INDArray input(Row r) {
    return Nd4j.create(floats(r.getAs(TensorTable.TENSOR)),
        new long[] {1, 1, r.<Integer>getAs(TensorTable.N_MELS), r.<Integer>getAs(TensorTable.N_FRAMES)},
        'c');
  }

  @Test
  void everyExampleOnceWithItsOwnMetricsAndMetadata() throws Exception {
    String preset = "vqvae-80x128-tiny";
    EvalResult result = evaluate(preset, "train", "vq-metrics");
    EvalResult.Evaluated e = result.checkpoints().get(0);
    TokenizerModel model = Checkpoint.open(e.path(), hadoop).model();
    List<Row> examples = fx.spark().read().parquet(e.folder() + "/examples").collectAsList();
    Map<String, Row> table = rows(fx.table(preset), "train");
    assertEquals(table.keySet(), new java.util.TreeSet<>(examples.stream()
        .map(r -> r.<String>getAs("id")).toList()));
    assertEquals(table.size(), examples.size(), "one row per example");
    for (Row row : examples) {
      Row source = table.get(row.<String>getAs("id"));
      INDArray x = input(source);
      float[] recon = model.reconstruct(x).reshape(-1).toFloatVector();
      ExampleMetrics m = ExampleMetrics.of(floats(source.getAs(TensorTable.TENSOR)), recon, 80, 128,
          source.getAs(TensorTable.VALID_FRAMES));
      assertClose(m.mse(), row.getAs("mse"), "mse of " + row.getAs("id"));
      assertClose(m.ssim(), row.getAs("ssim"), "ssim");
      assertClose(m.psnrValid(), row.getAs("psnr_valid"), "psnr_valid");
      assertClose(m.mse(), row.getAs("loss_recon"), "the recon loss part is the MSE");
      assertEquals("nsynth", row.getAs("dataset"));
      assertEquals("train", row.getAs("split"));
      assertTrue(row.getAs("instrument_family") != null, "corpus metadata joined");
      assertEquals(e.id(), row.getAs("checkpoint_id"));
    }
  }

  @Test
  void summaryAndCodeStatisticsEqualAnIndependentCount() throws Exception {
    String preset = "auddsr-tiny";
    EvalResult result = evaluate(preset, "train", "auddsr-summary");
    EvalResult.Evaluated e = result.checkpoints().get(0);
    JsonNode summary = JSON.readTree(Files.readString(Path.of(e.folder().replace("file:", ""),
        "summary.json")));
    List<Row> examples = fx.spark().read().parquet(e.folder() + "/examples").collectAsList();
    double[] mse = examples.stream().mapToDouble(r -> r.getAs("mse")).toArray();
    Distribution expected = Distribution.of(mse);
    JsonNode got = summary.at("/metrics/mse");
    assertEquals(expected.count(), got.get("count").asLong());
    assertEquals(expected.mean(), got.get("mean").asDouble(), 1e-12);
    assertEquals(expected.std(), got.get("std").asDouble(), 1e-12);
    assertEquals(expected.p5(), got.get("p5").asDouble(), 1e-12);
    assertEquals(expected.p50(), got.get("p50").asDouble(), 1e-12);
    assertEquals(expected.p95(), got.get("p95").asDouble(), 1e-12);
    long grouped = 0;
    for (JsonNode g : summary.at("/groups/speaker")) {
      grouped += g.at("/mse/count").asLong();
    }
    assertEquals(examples.size(), grouped, "speaker groups cover every example");

    TokenizerModel model = Checkpoint.open(e.path(), hadoop).model();
    Map<String, Map<Long, Long>> counts = new HashMap<>();
    Map<String, Long> positions = new HashMap<>();
    for (Row r : rows(fx.table(preset), "train").values()) {
      model.encode(input(r)).forEach((level, codes) -> {
        for (long c : codes.dup().data().asLong()) {
          counts.computeIfAbsent(level, k -> new HashMap<>()).merge(c, 1L, Long::sum);
          positions.merge(level, 1L, Long::sum);
        }
      });
    }
    for (String level : model.bottlenecks()) {
      JsonNode l = summary.at("/levels/" + level);
      long k = model.bottleneck(level).codebookSize();
      Map<Long, Long> c = counts.get(level);
      double h = 0;
      for (long n : c.values()) {
        double p = (double) n / positions.get(level);
        h -= p * Math.log(p) / Math.log(2);
      }
      assertEquals(positions.get(level), l.get("positions").asLong(), level);
      assertEquals(c.size(), l.get("used").asLong(), level);
      assertEquals(k - c.size(), l.get("dead").asLong(), level);
      assertEquals(h, l.get("entropy_bits").asDouble(), 1e-9, level);
      assertEquals(Math.pow(2, h), l.get("perplexity").asDouble(), 1e-6, level);
      long top = c.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertEquals(top, l.at("/top_codes/0/1").asLong(), level);
      double perSecond = l.get("positions_per_example").asDouble() / (320 * 160 / 16000.0);
      assertEquals(perSecond, l.get("positions_per_second").asDouble(), 1e-9);
      assertEquals(perSecond * Math.log(k) / Math.log(2),
          l.get("nominal_bits_per_second").asDouble(), 1e-9);
      assertEquals(perSecond * h, l.get("entropy_bits_per_second").asDouble(), 1e-6);
    }
  }

  @Test
  void posteriorStatisticsOfTheVaeEqualItsActivations() throws Exception {
    String preset = "timbre-vae-tiny";
    EvalResult result = evaluate(preset, "train", "vae-posterior");
    EvalResult.Evaluated e = result.checkpoints().get(0);
    JsonNode level = JSON.readTree(Files.readString(Path.of(e.folder().replace("file:", ""),
        "summary.json"))).get("levels").elements().next();
    TokenizerModel model = Checkpoint.open(e.path(), hadoop).model();
    String name = model.bottlenecks().get(0);
    List<double[]> mus = new ArrayList<>();
    List<double[]> logvars = new ArrayList<>();
    for (Row r : rows(fx.table(preset), "train").values()) {
      INDArray act = model.activations(model.evaluationBatch(input(r), 0)).get(name);
      mus.add(LossParts.mu(act).toDoubleVector());
      logvars.add(LossParts.logvar(act).toDoubleVector());
    }
    int dims = mus.get(0).length;
    int active = 0;
    for (int d = 0; d < dims; d++) {
      double kl = 0;
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < mus.size(); i++) {
        double m = mus.get(i)[d];
        double v = logvars.get(i)[d];
        kl += -0.5 * (1 + v - m * m - Math.exp(v)) / mus.size();
        sum += m;
        squares += m * m;
      }
      double variance = squares / mus.size() - (sum / mus.size()) * (sum / mus.size());
      active += variance > 0.01 ? 1 : 0;
      assertEquals(kl, level.at("/kl_per_dimension/" + d).asDouble(), 1e-5 * Math.max(1, kl));
      assertEquals(variance, level.at("/mu_variance/" + d).asDouble(), 1e-5 * Math.max(1, variance));
    }
    assertEquals(active, level.get("active_units").asInt());
    assertEquals(mus.size(), level.get("examples").asLong());
  }

  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
  }
}
