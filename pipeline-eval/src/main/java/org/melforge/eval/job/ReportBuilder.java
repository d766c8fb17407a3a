package org.melforge.eval.job;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.melforge.data.FeatureTable;
import org.melforge.eval.audio.GriffinLim;
import org.melforge.eval.audio.Sonifier;
import org.melforge.eval.codes.BinaryLevel;
import org.melforge.eval.codes.CodeLevel;
import org.melforge.eval.codes.CodebookMap;
import org.melforge.eval.codes.GaussianLevel;
import org.melforge.eval.codes.LevelStatistics;
import org.melforge.eval.codes.Pca;
import org.melforge.eval.job.CheckpointEvaluation.Outcome;
import org.melforge.eval.metrics.Distribution;
import org.melforge.eval.report.ExampleView;
import org.melforge.eval.report.Histogram;
import org.melforge.eval.report.LatentMap;
import org.melforge.eval.report.LevelStats;
import org.melforge.eval.report.ModelResult;
import org.melforge.eval.report.Report;
import org.melforge.eval.report.ReportWriter;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Assembles {@code report.html} from what the evaluations produced: the summaries and level
 * statistics as they are, histograms of every metric from the examples tables, the codebook maps
 * from the checkpoints, and for the best, median and worst example of each checkpoint (by
 * valid-frame MSE, ties by id) its tensor, the model's reconstruction and both as audio. Only these
 * few examples' tensors reach the driver.
 */
final class ReportBuilder {

  /** Bins of each metric's histogram. */
  static final int BINS = 30;
  /** The metric that orders examples into best, median and worst. */
  static final String RANKING = "mse_valid";

  private ReportBuilder() {}

  static void write(SparkSession spark, EvalOptions options, FeatureTable table, Profile profile,
      List<Outcome> outcomes, Path path) {
    List<ModelResult> models = new ArrayList<>();
    for (Outcome o : outcomes) {
      models.add(model(spark, options, table, profile, o));
    }
    Report report = new Report("MelForge evaluation", table.path(), options.split(), models);
    try (Writer out = new OutputStreamWriter(
        path.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(path, true),
        StandardCharsets.UTF_8)) {
      ReportWriter.write(report, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  private static ModelResult model(SparkSession spark, EvalOptions options, FeatureTable table,
      Profile profile, Outcome o) {
    Dataset<Row> examples = spark.read().parquet(o.examples().toString()).cache();
    try {
      TokenizerModel model = o.checkpoint().model();
      return new ModelResult(o.checkpoint().id(), o.checkpoint().dir().toString(),
          o.checkpoint().info().model().family().key(), o.checkpoint().info().model().preset(),
          table.count(options.split()), o.overall(), o.groups(), histograms(examples, o.metrics()),
          levels(model, o.levels(), profile), views(examples, table, options, profile, model),
          latentMap(table, options.split(), o.latents()));
    } finally {
      examples.unpersist();
    }
  }

  /**
   * Every metric's histogram over its finite values: {@link #BINS} equal-width bins from the
   * smallest to the largest value (the last bin closed), all metrics counted in one pass.
   */
  static Map<String, Histogram> histograms(Dataset<Row> examples, List<String> metrics) {
    List<Column> bounds = new ArrayList<>();
    for (String m : metrics) {
      Column finite = when(isnan(col(m)).or(col(m).isin(Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY)), lit(null)).otherwise(col(m));
      bounds.add(min(finite));
      bounds.add(max(finite));
    }
    Row range = examples.agg(bounds.get(0), bounds.subList(1, bounds.size())
        .toArray(Column[]::new)).first();
    double[] lo = new double[metrics.size()];
    double[] hi = new double[metrics.size()];
    for (int i = 0; i < lo.length; i++) {
      lo[i] = range.isNullAt(2 * i) ? Double.NaN : range.getDouble(2 * i);
      hi[i] = range.isNullAt(2 * i + 1) ? Double.NaN : range.getDouble(2 * i + 1);
    }
    long[][] counts = examples.select(metrics.stream().map(functions::col).toArray(Column[]::new))
        .javaRDD().aggregate(new long[lo.length][BINS], (c, row) -> count(c, row, lo, hi),
            ReportBuilder::add);
    Map<String, Histogram> out = new LinkedHashMap<>();
    for (int i = 0; i < lo.length; i++) {
      if (!Double.isNaN(lo[i])) {
        out.put(metrics.get(i), new Histogram(lo[i], hi[i], counts[i]));
      }
    }
    return out;
  }

  private static long[][] count(long[][] counts, Row row, double[] lo, double[] hi) {
    for (int i = 0; i < lo.length; i++) {
      double v = row.getDouble(i);
      if (Double.isFinite(v) && !Double.isNaN(lo[i])) {
        int bin = hi[i] == lo[i] ? 0 : (int) ((v - lo[i]) / (hi[i] - lo[i]) * BINS);
        counts[i][Math.min(BINS - 1, bin)]++;
      }
    }
    return counts;
  }

  private static long[][] add(long[][] a, long[][] b) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        a[i][j] += b[i][j];
      }
    }
    return a;
  }

  private static List<LevelStats> levels(TokenizerModel model, LevelStatistics statistics,
      Profile profile) {
    List<LevelStats> out = new ArrayList<>();
    for (String name : statistics.levels()) {
      CodeLevel codes = statistics.codes(name);
      if (codes != null) {
        CodeLevel.Summary s = codes.summary(profile.secondsPerExample());
        CodebookMap map = CodebookMap.of(model, name);
        out.add(new LevelStats(name, LevelStats.CODES, s.codebookSize(), s.counts(), s.topCodes(),
            s.entropyBits(), s.perplexity(), s.used(), s.dead(), s.nominalBitsPerSecond(),
            s.entropyBitsPerSecond(), s.positionsPerSecond(), map == null ? null : map.points(),
            map == null ? null : map.pairwiseDistances(), null, null, 0, null, null, null, null));
      } else if (statistics.binary(name) != null) {
        out.add(binary(statistics.binary(name), profile));
      } else if (statistics.gaussian(name) != null) {
        GaussianLevel.Summary g = statistics.gaussian(name).summary();
        out.add(new LevelStats(name, LevelStats.GAUSSIAN, 0, null, null, Double.NaN, Double.NaN,
            0, 0, Double.NaN, Double.NaN, Double.NaN, null, null, g.klPerDimension(),
            g.muVariance(), g.activeUnits(),
            new Distribution(g.examples() * g.dims(), g.muMean(), g.muStd(), Double.NaN,
                Double.NaN, Double.NaN),
            new Distribution(g.examples() * g.dims(), g.logvarMean(), g.logvarStd(), Double.NaN,
                Double.NaN, Double.NaN), null, null));
      }
    }
    return out;
  }

  private static LevelStats binary(BinaryLevel level, Profile profile) {
    CodeLevel.Summary s = level.codes(profile.secondsPerExample());
    return new LevelStats(level.name(), LevelStats.BINARY, s.codebookSize(), s.counts(),
        s.topCodes(), s.entropyBits(), s.perplexity(), s.used(), s.dead(),
        s.nominalBitsPerSecond(), s.entropyBitsPerSecond(), s.positionsPerSecond(), null, null,
        null, null, 0, null, null, level.plusFractions(), level.bitEntropiesBits());
  }

  /** The best, median and worst examples by {@link #RANKING}, ties broken by id. */
  private static List<ExampleView> views(Dataset<Row> examples, FeatureTable table,
      EvalOptions options, Profile profile, TokenizerModel model) {
    Dataset<Row> ranked = examples.where(col(RANKING).isNotNull().and(isnan(col(RANKING)).unary_$bang()));
    if (ranked.isEmpty()) {
      return List.of();
    }
    double median = ranked.selectExpr("percentile(" + RANKING + ", 0.5)").first().getDouble(0);
    Map<String, Row> picked = new LinkedHashMap<>();
    picked.put("best", ranked.orderBy(col(RANKING).asc(), col(TensorTable.ID)).first());
    picked.put("median", ranked.orderBy(abs(col(RANKING).minus(lit(median))), col(TensorTable.ID))
        .first());
    picked.put("worst", ranked.orderBy(col(RANKING).desc(), col(TensorTable.ID)).first());
    Map<String, float[]> tensors = tensors(table, options.split(),
        picked.values().stream().map(r -> r.<String>getAs(TensorTable.ID)).distinct().toList());
    List<ExampleView> out = new ArrayList<>();
    picked.forEach((label, row) -> out.add(view(label, row, tensors.get(row.<String>getAs(
        TensorTable.ID)), table, options, profile, model)));
    return out;
  }

  private static ExampleView view(String label, Row row, float[] original, FeatureTable table,
      EvalOptions options, Profile profile, TokenizerModel model) {
    int nMels = table.nMels();
    int nFrames = table.nFrames();
    int valid = row.getAs(TensorTable.VALID_FRAMES);
    INDArray x = Nd4j.create(original, new long[] {1, 1, nMels, nFrames}, 'c');
    float[] reconstruction = model.reconstruct(x).reshape(-1).toFloatVector();
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, Double> metrics = new LinkedHashMap<>();
    List<String> metadataColumns = CheckpointEvaluation.metadataColumns();
    for (String field : row.schema().fieldNames()) {
      Object value = row.getAs(field);
      if (metadataColumns.contains(field)) {
        if (value != null && !field.equals(TensorTable.ID)) {
          metadata.put(field, String.valueOf(value));
        }
      } else if (value instanceof Double d) {
        metrics.put(field, d);
      }
    }
    Sonifier audio = new Sonifier(profile.mel(), options.griffinLimIterations(),
        GriffinLim.DEFAULT_MOMENTUM);
    return new ExampleView(label, row.getAs(TensorTable.ID), metadata, metrics, nMels, nFrames,
        valid, original, reconstruction, audio.wav(original, nMels, nFrames, valid),
        audio.wav(reconstruction, nMels, nFrames, valid));
  }

  private static Map<String, float[]> tensors(FeatureTable table, String split, List<String> ids) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r : table.split(split).where(col(TensorTable.ID).isin(ids.toArray()))
        .select(TensorTable.ID, TensorTable.TENSOR).collectAsList()) {
      byte[] bytes = r.getAs(TensorTable.TENSOR);
      float[] values = new float[bytes.length / Float.BYTES];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      out.put(r.getAs(TensorTable.ID), values);
    }
    return out;
  }

  /**
   * The posterior means drawn, projected on their first two principal components and labelled by
   * instrument family (NSynth) or speaker sex (LibriSpeech); null without a Gaussian level.
   */
  private static LatentMap latentMap(FeatureTable table, String split,
      List<PartitionScore.Latent> latents) {
    if (latents.size() < 3) {
      return null;
    }
    Map<String, String> labels = new HashMap<>();
    Column label = org.apache.spark.sql.functions.coalesce(col(TensorTable.INSTRUMENT_FAMILY),
        col(TensorTable.SPEAKER_SEX), lit("?"));
    for (Row r : table.split(split)
        .where(col(TensorTable.ID).isin(latents.stream().map(PartitionScore.Latent::id).toArray()))
        .select(col(TensorTable.ID), label).collectAsList()) {
      labels.put(r.getString(0), r.getString(1));
    }
    double[][] mu = latents.stream().map(PartitionScore.Latent::mu).toArray(double[][]::new);
    Pca.Projection p = Pca.project(mu);
    double[] x = new double[mu.length];
    double[] y = new double[mu.length];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < mu.length; i++) {
      x[i] = p.points()[i][0];
      y[i] = p.points()[i][1];
      names.add(labels.getOrDefault(latents.get(i).id(), "?"));
    }
    return new LatentMap(x, y, names);
  }
}
