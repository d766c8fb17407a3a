package org.melforge.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.data.FeatureTable;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.sharing.SharedTrainer;
import org.melforge.sharing.SharingMode;
import org.melforge.sharing.SharingOptions;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training of one model on a features table: N epochs over the train split (reshuffled every
 * epoch), an evaluation of the valid split after each, a checkpoint and a metrics-history row per
 * epoch (and mid-epoch checkpoints every few minutes), and resumption from the newest complete
 * checkpoint. {@code sharing.mode} chooses where the steps run: on Spark executors with gradient
 * sharing or parameter averaging ({@link SharedTrainer}), or in this JVM ({@link LocalRounds}),
 * optionally through gradient sharing's update encoder ({@link SharedTrainer#localEncoder}).
 * Either way an epoch is cut into rounds of {@code sharing.sync-interval} steps per worker.
 */
public final class TrainJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  private static final String JOB_GROUP = "melforge-train";

  private final SparkSession spark;
  private final ModelSpec spec;
  private final TrainOptions options;
  private final SharingOptions sharing;

  public TrainJob(SparkSession spark, ModelSpec spec, TrainOptions options, SharingOptions sharing) {
    this.spark = java.util.Objects.requireNonNull(spark, "spark");
    this.spec = java.util.Objects.requireNonNull(spec, "spec");
    this.options = java.util.Objects.requireNonNull(options, "options");
    this.sharing = java.util.Objects.requireNonNull(sharing, "sharing");
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
    int workers = sharing.distributed() ? SharedTrainer.workers(spark.sparkContext(), sharing) : 1;
    TokenizerModel model = restored.map(r -> TokenizerModel.wrap(spec, r.graph()))
        .orElseGet(() -> TokenizerModel.create(spec, options.learningRate(), options.seed()));
    double workerRate = sharing.mode() == SharingMode.SHARED
        ? sharing.workerLearningRate(options.learningRate(), workers) : options.learningRate();
    model.graph().setLearningRate(workerRate);
    if (sharing.mode() == SharingMode.ENCODED) {
      model.graph().setGradientsAccumulator(
          SharedTrainer.localEncoder(sharing, workerRate, model.graph()));
    }
    int startEpoch = restored.map(r -> r.info().epoch()).orElse(0);
    int startRound = restored.map(r -> startRound(r, workers)).orElse(0);
    if (restored.isEmpty() && spec.vq() != null && spec.vq().kmeansInitBatches() > 0) {
      CodebookInitializer.kmeans(model, firstBatches(table), options.seed());
    }
    LOG.info("train[{}]: {} parameters, table {} ({} x {}, splits {}), mode {} with {} worker(s)"
            + " of batch {} (Adam rate {} per worker), {}", spec.preset(),
        model.graph().numParams(), table.path(), table.nMels(), table.nFrames(),
        table.splitCounts(), sharing.mode(), workers, options.batchSize(), workerRate,
        restored.map(r -> "resuming after epoch " + startEpoch + " round " + startRound + " from "
            + r.dir()).orElse("fresh start"));
    FileSystem fs = fileSystem(checkpoints, hadoop);
    MetricsHistory history = MetricsHistory.epochs(fs, checkpoints.root(), startEpoch);
    MetricsHistory roundHistory = MetricsHistory.rounds(fs, checkpoints.root(), model.iterations());
    TrainResult result = new TrainResult(checkpoints.root().toString(), startEpoch, startEpoch,
        model.iterations(), restored.map(r -> r.dir().toString()).orElse(null), Map.of(), Map.of());
    Run run = new Run(model, table, checkpoints, history, roundHistory, workers, startEpoch,
        Instant.now());
    try (SharedTrainer trainer = sharing.distributed() ? new SharedTrainer(spark.sparkContext(),
        model, sharing, workers, options.batchSize(), workerRate, options.seed()) : null) {
      for (int epoch = startEpoch + 1; epoch <= options.epochs(); epoch++) {
        result = epoch(run, trainer, epoch, epoch == startEpoch + 1 ? startRound : 0);
      }
    }
    return result;
  }

  /** What every epoch of a run needs. */
  private record Run(TokenizerModel model, FeatureTable table, Checkpoints checkpoints,
      MetricsHistory history, MetricsHistory rounds, int workers, int startEpoch,
      Instant start) {}

  private TrainResult epoch(Run run, SharedTrainer trainer, int epoch, int firstRound) {
    TokenizerModel model = run.model();
    Instant t0 = Instant.now();
    EpochMetrics train = new EpochMetrics(model);
    long revived = 0;
    long shuffleSeed = shuffleSeed(options.seed() * 31 + epoch);
    try (EpochRounds rounds = trainer != null
        ? trainer.epoch(run.table(), options.trainSplit(), shuffleSeed, options.maxBatchesPerEpoch(),
            epoch == 1)
        : new LocalRounds(model, run.table(), options.trainSplit(), options.batchSize(), shuffleSeed,
            options.maxBatchesPerEpoch(), sharing.syncInterval(), options.seed())) {
      Instant lastReport = t0;
      Instant lastCheckpoint = t0;
      for (int r = firstRound; r < rounds.rounds(); r++) {
        Instant roundStart = Instant.now();
        EpochRounds.Round done = rounds.train(r, model.iterations());
        EpochMetrics round = done.metrics();
        train.merge(round);
        revived += done.revivedCodes();
        run.rounds().appendRound(epoch, r + 1, model.iterations(),
            round.examples() / Math.max(seconds(roundStart), 1e-9), seconds(roundStart),
            round.summary());
        if (seconds(lastReport) >= options.progressIntervalSeconds()) {
          lastReport = Instant.now();
          progress(epoch, r + 1 - firstRound, rounds.rounds() - firstRound, train, t0);
        }
        if (options.checkpointIntervalMinutes() > 0 && r + 1 < rounds.rounds()
            && seconds(lastCheckpoint) >= options.checkpointIntervalMinutes() * 60) {
          lastCheckpoint = Instant.now();
          Path dir = run.checkpoints().write(model.graph(),
              info(run, epoch - 1, r + 1, train.summary(), Map.of()));
          LOG.info("train[{}] epoch {}: mid-epoch checkpoint {}", spec.preset(), epoch, dir);
        }
      }
    }
    double trainSeconds = seconds(t0);
    EpochMetrics valid = Evaluation.of(run.table(), options.validSplit(), model,
        options.batchSize(), model.iterations());
    Map<String, Double> trainSummary = new LinkedHashMap<>(train.summary());
    if (model.bottlenecks().stream()
        .anyMatch(b -> model.bottleneck(b).kind() == Bottleneck.Kind.CODES)) {
      trainSummary.put("revived_codes", (double) revived);
    }
    Map<String, Double> validSummary = valid.summary();
    double throughput = train.examples() / Math.max(trainSeconds, 1e-9);
    run.history().append(epoch, model.iterations(), throughput, seconds(t0), trainSummary,
        validSummary);
    model.graph().getConfiguration().setEpochCount(epoch);
    Path dir = run.checkpoints().write(model.graph(), info(run, epoch, 0, trainSummary, validSummary));
    double perEpoch = seconds(run.start()) / (epoch - run.startEpoch());
    LOG.info("train[{}] epoch {}/{}: train total {} recon {} | valid total {} recon {} | {} samples/s"
            + " | {} (ETA {}) | {}", spec.preset(), epoch, options.epochs(),
        fmt(trainSummary.get("total")), fmt(trainSummary.get("recon")),
        fmt(validSummary.get("total")), fmt(validSummary.get("recon")), fmt(throughput),
        duration(seconds(t0)), duration(perEpoch * (options.epochs() - epoch)), dir);
    return new TrainResult(run.checkpoints().root().toString(), run.startEpoch(), epoch,
        model.iterations(), dir.toString(), trainSummary, validSummary);
  }

  private void progress(int epoch, int done, int planned, EpochMetrics train, Instant t0) {
    double perRound = seconds(t0) / done;
    LOG.info("train[{}] epoch {}/{}: round {}/{} ({}%), train total {}, {} samples/s, epoch ETA {}",
        spec.preset(), epoch, options.epochs(), done, planned, 100 * done / planned,
        fmt(train.summary().get("total")), fmt(train.examples() / seconds(t0)),
        duration(perRound * (planned - done)));
  }

  /**
   * The round a resumed run starts its first epoch at: the checkpoint's, unless the epoch would be
   * cut into other rounds now (other workers, batch size, interval or step cap), then 0.
   */
  private int startRound(Checkpoints.Restored restored, int workers) {
    CheckpointInfo info = restored.info();
    if (info.round() == 0) {
      return 0;
    }
    boolean sameRounds = info.workers() == workers && info.sharing() != null
        && info.sharing().syncInterval() == sharing.syncInterval()
        && info.sharing().mode() == sharing.mode()
        && info.train().batchSize() == options.batchSize()
        && info.train().maxBatchesPerEpoch() == options.maxBatchesPerEpoch();
    if (!sameRounds) {
      LOG.warn("checkpoint {} was written {} rounds into epoch {} by a run cutting epochs"
              + " differently (workers, mode, sync interval, batch size or step cap changed):"
              + " epoch {} starts over", restored.dir(), info.round(), info.epoch() + 1,
          info.epoch() + 1);
      return 0;
    }
    return info.round();
  }

  private List<INDArray> firstBatches(FeatureTable table) {
    List<INDArray> out = new ArrayList<>();
    Iterator<INDArray> it = table.localBatches(options.trainSplit(), options.batchSize(),
        shuffleSeed(options.seed()), false);
    while (it.hasNext() && out.size() < spec.vq().kmeansInitBatches()) {
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

  private CheckpointInfo info(Run run, int epoch, int round, Map<String, Double> train,
      Map<String, Double> valid) {
    return new CheckpointInfo(CheckpointInfo.FORMAT_VERSION, spec, options, epoch, round,
        run.model().iterations(), run.workers(), sharing, run.table().identity(),
        run.table().statsPath(), statsJson(run.table()), BuildInfo.versions(),
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
}
