package org.melforge.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.melforge.data.FeatureTable;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-JVM training of one model on a features table: N epochs over the train split (reshuffled
 * every epoch), an evaluation of the valid split after each, a checkpoint and a metrics-history row
 * per epoch, and resumption from the newest complete checkpoint. Rows stream from Parquet through
 * the driver ({@link FeatureTable#localBatches}); nothing is held in memory beyond a batch.
 */
public final class TrainJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  private static final String JOB_GROUP = "melforge-train";

  private final SparkSession spark;
  private final ModelSpec spec;
  private final TrainOptions options;

  public TrainJob(SparkSession spark, ModelSpec spec, TrainOptions options) {
    this.spark = java.util.Objects.requireNonNull(spark, "spark");
    this.spec = java.util.Objects.requireNonNull(spec, "spec");
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  /** Trains, checkpointing after every epoch; returns what was done. */
  public TrainResult execute() {
    spark.sparkContext().setJobGroup(JOB_GROUP, "train " + spec.preset(), false);
    FeatureTable table = FeatureTable.open(spark, options.table());
    checkTable(table);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Checkpoints checkpoints = Checkpoints.at(options.output(), hadoop);
    Optional<Checkpoints.Restored> restored = options.resume()
        ? checkpoints.latest().map(dir -> Checkpoints.read(dir, hadoop)) : Optional.empty();
    restored.ifPresent(r -> checkResumable(r, table));
    TokenizerModel model = restored.map(r -> TokenizerModel.wrap(spec, r.graph()))
        .orElseGet(() -> TokenizerModel.create(spec, options.learningRate(), options.seed()));
    int start = restored.map(r -> r.info().epoch()).orElse(0);
    if (restored.isEmpty() && spec.kmeansInitBatches() > 0) {
      CodebookInitializer.kmeans(model, firstBatches(table), options.seed());
    }
    LOG.info("train[{}]: {} parameters, table {} ({} x {}, splits {}), {}", spec.preset(),
        model.graph().numParams(), table.path(), table.nMels(), table.nFrames(),
        table.splitCounts(), restored.map(r -> "resuming after epoch " + start + " from " + r.dir())
            .orElse("fresh start"));
    MetricsHistory history = MetricsHistory.open(fileSystem(checkpoints, hadoop),
        checkpoints.root(), start);
    TrainResult result = new TrainResult(checkpoints.root().toString(), start, start,
        model.iterations(), restored.map(r -> r.dir().toString()).orElse(null), Map.of(), Map.of());
    Instant runStart = Instant.now();
    for (int epoch = start + 1; epoch <= options.epochs(); epoch++) {
      result = epoch(model, table, checkpoints, history, epoch, start, runStart);
    }
    return result;
  }

  private TrainResult epoch(TokenizerModel model, FeatureTable table, Checkpoints checkpoints,
      MetricsHistory history, int epoch, int start, Instant runStart) {
    Instant t0 = Instant.now();
    EpochMetrics train = trainEpoch(model, table, epoch);
    double trainSeconds = seconds(t0);
    EpochMetrics valid = evaluate(model, table);
    Map<String, Double> trainSummary = train.summary();
    Map<String, Double> validSummary = valid.summary();
    double throughput = train.examples() / Math.max(trainSeconds, 1e-9);
    history.append(epoch, model.iterations(), throughput, seconds(t0), trainSummary, validSummary);
    ComputationGraph graph = model.graph();
    graph.getConfiguration().setEpochCount(epoch);
    Path dir = checkpoints.write(graph, info(model, table, epoch, trainSummary, validSummary));
    double perEpoch = seconds(runStart) / (epoch - start);
    LOG.info("train[{}] epoch {}/{}: train total {} recon {} | valid total {} recon {} | {} samples/s"
            + " | {} (ETA {}) | {}", spec.preset(), epoch, options.epochs(),
        fmt(trainSummary.get("total")), fmt(trainSummary.get("recon")),
        fmt(validSummary.get("total")), fmt(validSummary.get("recon")), fmt(throughput),
        duration(seconds(t0)), duration(perEpoch * (options.epochs() - epoch)), dir);
    return new TrainResult(checkpoints.root().toString(), start, epoch, model.iterations(),
        dir.toString(), trainSummary, validSummary);
  }

  private EpochMetrics trainEpoch(TokenizerModel model, FeatureTable table, int epoch) {
    EpochMetrics metrics = new EpochMetrics(model);
    BatchMetricsListener listener = new BatchMetricsListener(metrics);
    ComputationGraph graph = model.graph();
    graph.setListeners(listener);
    long planned = plannedSteps(table);
    Iterator<INDArray> batches = table.localBatches(options.trainSplit(), options.batchSize(),
        shuffleSeed(options.seed() * 31 + epoch), false);
    Instant t0 = Instant.now();
    Instant lastReport = t0;
    long steps = 0;
    while (batches.hasNext() && (options.maxBatchesPerEpoch() == 0
        || steps < options.maxBatchesPerEpoch())) {
      long step = model.iterations();
      listener.batch = model.batch(batches.next(), step, new Random(options.seed() * 1_000_003L + step));
      graph.fit(listener.batch);
      steps++;
      if (seconds(lastReport) >= options.progressIntervalSeconds()) {
        lastReport = Instant.now();
        double perStep = seconds(t0) / steps;
        LOG.info("train[{}] epoch {}/{}: {}/{} steps ({}%), {} samples/s, epoch ETA {}",
            spec.preset(), epoch, options.epochs(), steps, planned, 100 * steps / planned,
            fmt(metrics.examples() / seconds(t0)), duration(perStep * (planned - steps)));
      }
    }
    graph.setListeners();
    return metrics;
  }

  private long plannedSteps(FeatureTable table) {
    long all = (table.count(options.trainSplit()) + options.batchSize() - 1) / options.batchSize();
    return Math.max(1, options.maxBatchesPerEpoch() == 0 ? all
        : Math.min(all, options.maxBatchesPerEpoch()));
  }

  private EpochMetrics evaluate(TokenizerModel model, FeatureTable table) {
    EpochMetrics metrics = new EpochMetrics(model);
    Iterator<INDArray> batches = table.localBatches(options.validSplit(), options.batchSize(),
        FeatureTable.ID_ORDER, false);
    while (batches.hasNext()) {
      MultiDataSet batch = model.evaluationBatch(batches.next(), model.iterations());
      metrics.add(model.activations(batch), batch);
    }
    return metrics;
  }

  private List<INDArray> firstBatches(FeatureTable table) {
    List<INDArray> out = new ArrayList<>();
    Iterator<INDArray> it = table.localBatches(options.trainSplit(), options.batchSize(),
        shuffleSeed(options.seed()), false);
    while (it.hasNext() && out.size() < spec.kmeansInitBatches()) {
      out.add(it.next());
    }
    return out;
  }

  /** A non-negative shuffle seed ({@link FeatureTable#localBatches} reads negative as id order). */
  private static long shuffleSeed(long seed) {
    return seed & Long.MAX_VALUE;
  }

  private void checkTable(FeatureTable table) {
    Preconditions.checkArgument(table.nMels() == spec.nMels() && table.nFrames() == spec.nFrames(),
        "features table %s holds %sx%s tensors but model %s expects %sx%s", table.path(),
        table.nMels(), table.nFrames(), spec.preset(), spec.nMels(), spec.nFrames());
    Preconditions.checkArgument(table.count(options.trainSplit()) > 0,
        "features table %s has no rows in train split '%s' (splits: %s)", table.path(),
        options.trainSplit(), table.splitCounts());
    if (table.count(options.validSplit()) == 0) {
      LOG.warn("features table {} has no rows in valid split '{}': validation metrics stay empty",
          table.path(), options.validSplit());
    }
  }

  private void checkResumable(Checkpoints.Restored restored, FeatureTable table) {
    List<String> differences = restored.info().model().differences(spec);
    Preconditions.checkArgument(differences.isEmpty(),
        "checkpoint %s was trained with other model settings (checkpoint vs now: %s): resume with"
            + " the same model settings", restored.dir(), differences);
    List<String> changed = restored.info().features().differences(table.identity());
    if (!changed.isEmpty()) {
      LOG.warn("features table changed since checkpoint {}: {}", restored.dir(), changed);
    }
  }

  private CheckpointInfo info(TokenizerModel model, FeatureTable table, int epoch,
      Map<String, Double> train, Map<String, Double> valid) {
    return new CheckpointInfo(CheckpointInfo.FORMAT_VERSION, spec, options, epoch,
        model.iterations(), table.identity(), table.statsPath(), statsJson(table),
        BuildInfo.versions(),
        BuildInfo.gitCommit(), Instant.now().toString(), train, valid);
  }

  private static JsonNode statsJson(FeatureTable table) {
    try {
      return new ObjectMapper().readTree(table.statsJson());
    } catch (IOException e) {
      throw new UncheckedIOException("statistics of " + table.path() + " are not JSON", e);
    }
  }

  private static FileSystem fileSystem(Checkpoints c, Configuration hadoop) {
    try {
      return c.root().getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double seconds(Instant since) {
    return Duration.between(since, Instant.now()).toNanos() / 1e9;
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format("%.4g", v);
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  /** Feeds each training step's forward-pass activations to the epoch's metrics. */
  private static final class BatchMetricsListener extends BaseTrainingListener {
    private final EpochMetrics metrics;
    private MultiDataSet batch;

    BatchMetricsListener(EpochMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
      metrics.add(activations, batch);
    }
  }
}
