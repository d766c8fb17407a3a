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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.checkpoint.CheckpointException;
import org.melforge.checkpoint.CheckpointInfo;
import org.melforge.checkpoint.Checkpoints;
import org.melforge.checkpoint.OutputLease;
import org.melforge.data.FeatureTable;
import org.melforge.data.SpecAugment;
import org.melforge.metrics.EpochMetrics;
import org.melforge.metrics.MetricsHistory;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.sharing.EpochRounds;
import org.melforge.sharing.SharedTrainer;
import org.melforge.sharing.SharingMode;
import org.melforge.sharing.SharingOptions;
import org.melforge.spark.JobGroup;
import org.melforge.spark.SparkJob;
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
public final class TrainJob implements SparkJob<TrainResult> {

  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /** The Spark job group of the train job's jobs. */
  public static final String JOB_GROUP = "melforge-train";

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

  /**
   * Trains, checkpointing after every epoch; returns what was done. Every check that can fail
   * without training runs first: table, output (lease, earlier outputs), checkpoint, transport.
   *
   * @throws IllegalArgumentException when the run is refused before any training (nothing ran;
   *     the message names the table, folder, checkpoint or key)
   * @throws TrainingFailedException when training started and then failed, naming where
   */
  @Override
  public TrainResult execute() {
    try (JobGroup group = JobGroup.open(spark.sparkContext(), JOB_GROUP, "train " + spec.preset())) {
      Start start = prepare();
      try (OutputLease lease = start.lease()) {
        return train(start, lease);
      }
    }
  }

  /** What the checks before training established. */
  private record Start(FeatureTable table, Checkpoints checkpoints, FileSystem fs,
      OutputLease lease, Optional<Checkpoint> restored, MetricsHistory history) {}

  private Start prepare() {
    FeatureTable table = FeatureTable.open(spark, options.table()).checked(options.badRows());
    checkTable(table);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Checkpoints checkpoints = Checkpoints.at(options.output(), hadoop);
    FileSystem fs = fileSystem(checkpoints, hadoop);
    if (sharing.distributed()) {
      SharedTrainer.preflight(spark.sparkContext(), sharing);
    }
    OutputLease lease = claim(fs, checkpoints.root());
    try {
      Optional<Checkpoint> restored = restore(checkpoints, fs, hadoop);
      restored.ifPresent(r -> checkResumable(r, table));
      int startEpoch = restored.map(r -> r.info().epoch()).orElse(0);
      MetricsHistory history;
      try {
        history = MetricsHistory.epochs(fs, checkpoints.root(), startEpoch);
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage() + ": restore it, or start a fresh run"
            + " with --overwrite", e);
      }
      return new Start(table, checkpoints, fs, lease, restored, history);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private OutputLease claim(FileSystem fs, Path root) {
    try {
      return OutputLease.acquire(fs, root, "train " + spec.preset());
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException("output folder " + root + " is not writable: "
          + e.getCause().getMessage(), e);
    }
  }

  /**
   * The checkpoint to resume from; refuses a fresh run into an output that holds earlier
   * checkpoints or history unless told to replace them ({@code train.overwrite}).
   */
  private Optional<Checkpoint> restore(Checkpoints checkpoints, FileSystem fs,
      Configuration hadoop) {
    List<String> existing = checkpoints.existing();
    boolean history;
    try {
      history = MetricsHistory.exists(fs, checkpoints.root());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (options.resume()) {
      try {
        return checkpoints.newest(hadoop);
      } catch (CheckpointException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    if (existing.isEmpty() && !history) {
      return Optional.empty();
    }
    String found = (existing.isEmpty() ? "" : "checkpoints " + existing)
        + (history ? (existing.isEmpty() ? "" : " and ") + "a metrics history" : "");
    if (!options.overwrite()) {
      throw new IllegalArgumentException("output folder " + checkpoints.root() + " already holds "
          + found + " of an earlier run: pass --resume to continue it or --overwrite to replace"
          + " it");
    }
    LOG.warn("train[{}]: replacing the {} in {} (train.overwrite)", spec.preset(), found,
        checkpoints.root());
    checkpoints.clear();
    try {
      MetricsHistory.delete(fs, checkpoints.root());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the history in " + checkpoints.root(), e);
    }
    return Optional.empty();
  }

  private TrainResult train(Start start, OutputLease lease) {
    Optional<Checkpoint> restored = start.restored();
    Checkpoints checkpoints = start.checkpoints();
    int startEpoch = restored.map(r -> r.info().epoch()).orElse(0);
    TokenizerModel model = restored.map(r -> TokenizerModel.wrap(spec, r.graph()))
        .orElseGet(() -> TokenizerModel.create(spec, options.learningRate(), options.seed()));
    int epoch = startEpoch + 1;
    try {
      int workers = sharing.distributed() ? SharedTrainer.workers(spark.sparkContext(), sharing) : 1;
      double workerRate = sharing.mode() == SharingMode.SHARED
          ? sharing.workerLearningRate(options.learningRate(), workers) : options.learningRate();
      model.graph().setLearningRate(workerRate);
      if (sharing.mode() == SharingMode.ENCODED) {
        model.graph().setGradientsAccumulator(
            SharedTrainer.localEncoder(sharing, workerRate, model.graph()));
      }
      int startRound = restored.map(r -> startRound(r, workers)).orElse(0);
      TrainResult result = new TrainResult(checkpoints.root().toString(), startEpoch, startEpoch,
          model.iterations(), restored.map(r -> r.dir().toString()).orElse(null), Map.of(),
          Map.of());
      Run run = new Run(model, start.table(), checkpoints, start.history(),
          MetricsHistory.rounds(start.fs(), checkpoints.root(), model.iterations()), workers,
          startEpoch, Instant.now(), lease);
      if (restored.isEmpty() && spec.initBatches() > 0) {
        StateInitializer.initialize(model, firstBatches(start.table()), options.seed());
      }
      LOG.info("train[{}]: {} parameters, table {} ({} x {}, splits {}), mode {} with {} worker(s)"
              + " of batch {} (Adam rate {} per worker), {}", spec.preset(),
          model.graph().numParams(), start.table().path(), start.table().nMels(),
          start.table().nFrames(), start.table().splitCounts(), sharing.mode(), workers,
          options.batchSize(), workerRate, restored.map(r -> "resuming after epoch " + startEpoch
              + " round " + startRound + " from " + r.dir()).orElse("fresh start"));
      SpecAugment augment = options.specAugment();
      if (augment.enabled()) {
        LOG.info("train[{}]: SpecAugment on the training inputs (targets clean): {} time mask(s)"
                + " of up to {} frames, {} frequency mask(s) of up to {} mel bins, fill {},"
                + " seeded by train.seed, epoch and row id", spec.preset(), augment.timeMasks(),
            augment.timeMaskWidth(), augment.freqMasks(), augment.freqMaskWidth(),
            augment.fillValue());
      }
      try (SharedTrainer trainer = sharing.distributed() ? new SharedTrainer(spark.sparkContext(),
          model, sharing, workers, options.batchSize(), workerRate, options.seed()) : null) {
        for (; epoch <= options.epochs(); epoch++) {
          result = epoch(run, trainer, epoch, epoch == startEpoch + 1 ? startRound : 0);
        }
      }
      return result;
    } catch (TrainingFailedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TrainingFailedException("train[" + spec.preset() + "] failed in epoch " + epoch
          + " at global step " + model.iterations() + " (newest checkpoint: "
          + newestCheckpoint(checkpoints) + "): " + e, e);
    }
  }

  private static String newestCheckpoint(Checkpoints checkpoints) {
    return checkpoints.latest().map(Path::toString).orElse("none");
  }

  /** What every epoch of a run needs. */
  private record Run(TokenizerModel model, FeatureTable table, Checkpoints checkpoints,
      MetricsHistory history, MetricsHistory rounds, int workers, int startEpoch,
      Instant start, OutputLease lease) {}

  private TrainResult epoch(Run run, SharedTrainer trainer, int epoch, int firstRound) {
    TokenizerModel model = run.model();
    Instant t0 = Instant.now();
    EpochMetrics train = new EpochMetrics(model);
    long revived = 0;
    long shuffleSeed = shuffleSeed(options.seed() * 31 + epoch);
    SpecAugment.Epoch augment = options.specAugment().epoch(options.seed(), epoch);
    try (EpochRounds rounds = trainer != null
        ? trainer.epoch(run.table(), options.trainSplit(), shuffleSeed, options.maxBatchesPerEpoch(),
            epoch == 1, augment)
        : new LocalRounds(model, run.table(), options.trainSplit(), options.batchSize(), shuffleSeed,
            options.maxBatchesPerEpoch(), sharing.syncInterval(), options.seed(), augment)) {
      Instant lastReport = t0;
      Instant lastCheckpoint = t0;
      for (int r = firstRound; r < rounds.rounds(); r++) {
        Instant roundStart = Instant.now();
        EpochRounds.Round done = rounds.train(r, model.iterations());
        EpochMetrics round = done.metrics();
        requireFinite(run, epoch, r + 1, round.summary());
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
          Path dir = checkpoint(run, epoch, r + 1, info(run, epoch - 1, r + 1, train.summary(),
              Map.of()));
          LOG.info("train[{}] epoch {}: mid-epoch checkpoint {}", spec.preset(), epoch, dir);
        }
      }
    }
    double trainSeconds = seconds(t0);
    EpochMetrics valid;
    try (Scorer scorer = Scorer.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), model,
        options.batchSize(), model.iterations())) {
      valid = scorer.metrics(run.table(), options.validSplit());
    }
    Map<String, Double> trainSummary = new LinkedHashMap<>(train.summary());
    if (model.bottlenecks().stream()
        .anyMatch(b -> model.bottleneck(b).kind() == Bottleneck.Kind.CODES)) {
      trainSummary.put("revived_codes", (double) revived);
    }
    Map<String, Double> validSummary = valid.summary();
    requireFinite(run, epoch, 0, validSummary);
    double throughput = train.examples() / Math.max(trainSeconds, 1e-9);
    run.history().append(epoch, model.iterations(), throughput, seconds(t0), trainSummary,
        validSummary);
    model.graph().getConfiguration().setEpochCount(epoch);
    Path dir = checkpoint(run, epoch, 0, info(run, epoch, 0, trainSummary, validSummary));
    double perEpoch = seconds(run.start()) / (epoch - run.startEpoch());
    LOG.info("train[{}] epoch {}/{}: train total {} recon {} | valid total {} recon {} | {} samples/s"
            + " | {} (ETA {}) | {}", spec.preset(), epoch, options.epochs(),
        fmt(trainSummary.get("total")), fmt(trainSummary.get("recon")),
        fmt(validSummary.get("total")), fmt(validSummary.get("recon")), fmt(throughput),
        duration(seconds(t0)), duration(perEpoch * (options.epochs() - epoch)), dir);
    return new TrainResult(run.checkpoints().root().toString(), run.startEpoch(), epoch,
        model.iterations(), dir.toString(), trainSummary, validSummary);
  }

  /**
   * Stops the run when a loss of {@code metrics} (a round's training metrics, or with round 0 the
   * epoch's validation metrics) is not finite: no checkpoint is written from such a model.
   */
  private void requireFinite(Run run, int epoch, int round, Map<String, Double> metrics) {
    List<String> bad = metrics.entrySet().stream()
        .filter(e -> (e.getKey().equals("total") || e.getKey().equals("recon")
            || e.getKey().endsWith("_loss")) && !Double.isFinite(e.getValue()))
        .map(e -> e.getKey() + " = " + e.getValue()).toList();
    if (!bad.isEmpty()) {
      throw new TrainingFailedException("train[" + spec.preset() + "] epoch " + epoch
          + (round > 0 ? " round " + round + ": training" : ": validation") + " loss is not finite"
          + " at global step " + run.model().iterations() + " (" + String.join(", ", bad)
          + "); stopped without a checkpoint, the newest is still "
          + newestCheckpoint(run.checkpoints()), null);
    }
  }

  /** Writes a checkpoint of a model whose parameters are all finite, while the lease holds. */
  private Path checkpoint(Run run, int epoch, int round, CheckpointInfo info) {
    run.lease().check();
    INDArray params = run.model().graph().params();
    if (params.isNaN().any() || params.isInfinite().any()) {
      throw new TrainingFailedException("train[" + spec.preset() + "] epoch " + epoch
          + (round > 0 ? " round " + round : "") + ": the model's parameters are not finite at"
          + " global step " + run.model().iterations() + "; stopped without a checkpoint, the"
          + " newest is still " + newestCheckpoint(run.checkpoints()), null);
    }
    return run.checkpoints().write(run.model().graph(), info);
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
  private int startRound(Checkpoint restored, int workers) {
    CheckpointInfo info = restored.info();
    if (info.round() == 0) {
      return 0;
    }
    TrainOptions previous = info.train(TrainOptions.class);
    boolean sameRounds = info.workers() == workers && info.sharing() != null
        && info.sharing().syncInterval() == sharing.syncInterval()
        && info.sharing().mode() == sharing.mode()
        && previous.batchSize() == options.batchSize()
        && previous.maxBatchesPerEpoch() == options.maxBatchesPerEpoch();
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
    while (it.hasNext() && out.size() < spec.initBatches()) {
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
    List<String> augment = options.specAugment().problems("train." + SpecAugment.SECTION,
        table.nMels(), table.nFrames());
    Preconditions.checkArgument(augment.isEmpty(), "features table %s (%sx%s): %s", table.path(),
        table.nMels(), table.nFrames(), String.join("; ", augment));
    if (table.count(options.validSplit()) == 0) {
      LOG.warn("features table {} has no rows in valid split '{}': validation metrics stay empty",
          table.path(), options.validSplit());
    }
  }

  private void checkResumable(Checkpoint restored, FeatureTable table) {
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
    return new CheckpointInfo(CheckpointInfo.FORMAT_VERSION, spec, Checkpoints.toJson(options),
        epoch, round, run.model().iterations(), run.workers(), sharing, run.table().identity(),
        run.table().statsPath(), statsJson(run.table()), BuildInfo.versions(),
        BuildInfo.gitCommit(), Instant.now().toString(), train, valid, Map.of());
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
