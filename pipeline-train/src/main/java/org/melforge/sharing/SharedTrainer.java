package org.melforge.sharing;

import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.GradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.NoOpResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.ResidualClippingPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.TargetSparsityThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.repartitioner.NoOpRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.melforge.bottleneck.StateStatistics;
import org.melforge.bottleneck.StatefulLayer;
import org.melforge.data.FeatureTable;
import org.melforge.data.SpecAugment;
import org.melforge.metrics.EpochMetrics;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.sharing.dl4j.LevelledEncodingHandler;
import org.melforge.sharing.dl4j.LosslessThreshold;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the driver's model on Spark executors, one round at a time, with DL4J's
 * {@link SharedTrainingMaster} (gradient sharing: every worker applies the threshold-encoded
 * updates of all workers) or {@link ParameterAveragingTrainingMaster}. After each round it
 * synchronises what gradients do not carry ({@link WorkerRun}): the executors' statistics of every
 * {@link StatefulLayer} are collected and merged, the driver's own layer applies them once (e.g. an
 * EMA codebook update with dead-code revival), the resulting state is installed in every replica
 * and every replica is checked to hold exactly the driver's state.
 */
public final class SharedTrainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SharedTrainer.class);
  private static final int RESIDUAL_CLIP_FREQUENCY = 5;
  /** Transport ports this JVM's trainers have used: DL4J keeps that transport up between runs. */
  private static final java.util.Set<Integer> OWN_PORTS =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final SparkContext sc;
  private final TokenizerModel model;
  private final SparkComputationGraph spark;
  private final String runId = UUID.randomUUID().toString();
  private final ModelSpec spec;
  private final int workers;
  private final int batchSize;
  private final int syncInterval;
  private final long seed;
  private final EncoderInstaller encoder;
  private long revived;
  private Map<String, String> installed = Map.of();
  private int replicasLastRound;

  /**
   * Sets up training of {@code model} by {@code workers} workers of batch {@code batchSize} and
   * activates the run on every executor.
   */
  public SharedTrainer(SparkContext sc, TokenizerModel model, SharingOptions options,
      int workers, int batchSize, double workerLearningRate, long seed) {
    Preconditions.checkArgument(options.distributed(), "sharing.mode %s is not distributed",
        options.mode());
    this.sc = sc;
    this.model = model;
    this.spec = model.spec();
    this.workers = workers;
    this.batchSize = batchSize;
    this.syncInterval = options.syncInterval();
    this.seed = seed;
    TrainingMaster<?, ?> master = options.mode() == SharingMode.AVERAGING
        ? averaging(options, workers, batchSize, seed)
        : sharing(options, workers, batchSize, workerLearningRate, seed, sc);
    this.spark = new SparkComputationGraph(new JavaSparkContext(sc), model.graph(), master);
    this.encoder = master instanceof SharedTrainingMaster shared
        ? new EncoderInstaller(shared, model.graph().numParams(), options.encodingLevels())
        : null;
    install();
  }

  /** Where the transport runs: the driver's address executors connect to, and their network. */
  private record Transport(String controller, String mask) {}

  private static Transport transport(SparkContext sc, SharingOptions o) {
    String driverHost = sc.getConf().get("spark.driver.host", "");
    boolean loopback = sc.isLocal() || driverHost.startsWith("127.") || driverHost.equals("localhost");
    String controller = !o.controllerAddress().isEmpty() ? o.controllerAddress()
        : loopback ? "127.0.0.1" : driverHost;
    String mask = !o.networkMask().isEmpty() ? o.networkMask() : loopback ? "127.0.0.0/8" : "";
    return new Transport(controller, mask);
  }

  /**
   * Checks, before any training, what gradient sharing's transport needs: a network mask (CIDR)
   * holding the controller address, and the transport port free on the driver (or held by this
   * JVM's own transport from an earlier run, which DL4J keeps and reuses).
   *
   * @throws IllegalArgumentException naming the {@code sharing} key to change
   */
  public static void preflight(SparkContext sc, SharingOptions o) {
    if (o.mode() != SharingMode.SHARED) {
      return;
    }
    Transport t = transport(sc, o);
    if (t.mask().isEmpty()) {
      throw new IllegalArgumentException("sharing.network-mask: not set, and the driver ("
          + t.controller() + ") is not on loopback: set it to the network (CIDR) executors reach"
          + " the driver on, e.g. 10.0.0.0/16");
    }
    NetworkMask.parse(t.mask(), "sharing.network-mask").requireContains(t.controller(),
        "the controller address (sharing.controller-address, else spark.driver.host)");
    if (OWN_PORTS.contains(o.port())) {
      return;
    }
    try (DatagramSocket socket = new DatagramSocket(o.port())) {
      socket.getLocalPort();
    } catch (SocketException e) {
      throw new IllegalArgumentException("sharing.port: UDP port " + o.port() + " is in use on the"
          + " driver (" + e.getMessage() + "): set sharing.port to a free port", e);
    }
  }

  private static TrainingMaster<?, ?> sharing(SharingOptions o, int workers, int batchSize,
      double workerLearningRate, long seed, SparkContext sc) {
    Transport t = transport(sc, o);
    OWN_PORTS.add(o.port());
    LOG.info("gradient sharing: controller {}:{}, network mask {}", t.controller(), o.port(),
        t.mask());
    VoidConfiguration voidConf = VoidConfiguration.builder()
        .portSupplier(new ExecutorPortSupplier(o.port()))
        .networkMask(t.mask().isEmpty() ? null : t.mask())
        .controllerAddress(t.controller().isEmpty() ? null : t.controller())
        .build();
    return new SharedTrainingMaster.Builder(voidConf, workers,
        threshold(o, o.threshold() * workerLearningRate), batchSize)
        .batchSizePerWorker(batchSize)
        .workersPerNode(workersPerNode(o, workers, sc.isLocal()))
        .residualPostProcessor(residual(o))
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .repartitioner(new NoOpRepartitioner())
        .storageLevel(StorageLevel.MEMORY_ONLY_SER())
        .workerPrefetchNumBatches(2)
        .rngSeed(seed)
        .build();
  }

  private static TrainingMaster<?, ?> averaging(SharingOptions o, int workers, int batchSize,
      long seed) {
    return new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
        .batchSizePerWorker(batchSize)
        .averagingFrequency(o.syncInterval())
        .repartionData(Repartition.Never)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .storageLevel(StorageLevel.MEMORY_ONLY_SER())
        .workerPrefetchNumBatches(2)
        .saveUpdater(true)
        .rngSeed(seed)
        .build();
  }

  /**
   * Workers W of a run: {@code sharing.workers} if set; else in local mode the master's threads
   * ({@code local[N]}: N) and on a cluster the registered executors times workers-per-node.
   */
  public static int workers(SparkContext sc, SharingOptions o) {
    if (o.workers() > 0) {
      return o.workers();
    }
    if (sc.isLocal()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)")
          .matcher(sc.master());
      return !m.lookingAt() ? 1 : m.group(1).equals("*")
          ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }
    return ExecutorJobs.executors(sc).size() * Math.max(1, o.workersPerNode());
  }

  /** Training threads per executor: as configured, else all workers in local mode, 1 otherwise. */
  static int workersPerNode(SharingOptions o, int workers, boolean local) {
    return o.workersPerNode() > 0 ? o.workersPerNode() : local ? workers : 1;
  }

  /**
   * Gradient sharing's update encoder for one JVM ({@code sharing.mode = encoded}): the
   * accumulator and {@link LevelledEncodingHandler} of {@code shared} mode with its settings at
   * {@code learningRate}, every step's update encoded and its decoded messages applied, the
   * residual kept across rounds.
   */
  public static GradientsAccumulator localEncoder(SharingOptions o, double learningRate,
      ComputationGraph graph) {
    EncodedGradientsAccumulator encoder = LevelledEncodingHandler.accumulator(1,
        graph.numParams(), threshold(o, o.threshold() * learningRate), residual(o),
        o.encodingLevels(), false);
    encoder.fallbackToSingleConsumerMode(true);
    encoder.touch();
    return encoder;
  }

  /**
   * What the update encoders of this run have sent per level, summed over the executors; no
   * levels in {@code averaging} mode.
   */
  public LevelledEncodingHandler.Traffic encoderTraffic() {
    return encoder == null ? LevelledEncodingHandler.Traffic.NONE : encoder.traffic(sc);
  }

  private static ResidualPostProcessor residual(SharingOptions o) {
    return o.residualClip() > 0
        ? new ResidualClippingPostProcessor(o.residualClip(), RESIDUAL_CLIP_FREQUENCY)
        : new NoOpResidualPostProcessor();
  }

  static ThresholdAlgorithm threshold(SharingOptions o, double value) {
    return new LosslessThreshold(switch (o.thresholdAlgorithm()) {
      case FIXED -> new FixedThresholdAlgorithm(value);
      case ADAPTIVE -> new AdaptiveThresholdAlgorithm(value);
      case TARGET_SPARSITY -> new TargetSparsityThresholdAlgorithm(value,
          TargetSparsityThresholdAlgorithm.DEFAULT_SPARSITY_TARGET,
          TargetSparsityThresholdAlgorithm.DEFAULT_DECAY_RATE);
    });
  }

  /**
   * One epoch over {@code split} of {@code table}, its rows shuffled by {@code shuffleSeed} into
   * one partition per worker, at most {@code maxSteps} steps (0: all); {@code rampUp} starts with
   * short rounds ({@link EpochShards}), for the first epoch of a fresh run.
   */
  public EpochRounds epoch(FeatureTable table, String split, long shuffleSeed, int maxSteps,
      boolean rampUp) {
    return epoch(table, split, shuffleSeed, maxSteps, rampUp, SpecAugment.OFF.epoch(seed, 0));
  }

  /**
   * {@link #epoch(FeatureTable, String, long, int, boolean)} whose training inputs are masked on
   * the executors by {@code augment} (SpecAugment of the epoch; the labels stay clean).
   */
  public EpochRounds epoch(FeatureTable table, String split, long shuffleSeed, int maxSteps,
      boolean rampUp, SpecAugment.Epoch augment) {
    EpochShards shards = EpochShards.of(table, split, workers, shuffleSeed, batchSize,
        syncInterval, maxSteps, rampUp);
    EpochShards.Batcher batcher = new EpochShards.Batcher(spec, table.batches(batchSize, false),
        seed, augment);
    return new EpochRounds() {
      @Override
      public int rounds() {
        return shards.rounds();
      }

      @Override
      public Round train(int round, long firstStep) {
        int steps = shards.steps(round);
        Fitted done = fit(shards.round(round, firstStep, batcher), steps, firstStep + steps);
        long expected = shards.batches(round);
        if (done.batches() != expected) {
          throw new IllegalStateException("round " + round + ": workers reported "
              + done.batches() + " batches trained, " + expected + " were given");
        }
        model.graph().getConfiguration().setIterationCount((int) (firstStep + steps));
        if (round == shards.rounds() - 1) {
          installParameters();
        }
        return new Round(done.metrics(), steps, done.revivedCodes());
      }

      @Override
      public void close() {
        shards.close();
      }
    };
  }

  private record Fitted(EpochMetrics metrics, long batches, long revivedCodes) {}

  /**
   * Trains one round on {@code data} ({@code steps} global steps, ending at global step
   * {@code endStep}), then synchronises the quantizer state; returns the round's training metrics.
   */
  private Fitted fit(JavaRDD<MultiDataSet> data, int steps, long endStep) {
    try {
      spark.fitMultiDataSet(encoder == null ? data : encoder.apply(data));
    } finally {
      data.unpersist(false);
    }
    Map<String, RoundReport> reports = ExecutorJobs.onEach(sc,
        () -> WorkerRun.current().map(WorkerRun::harvest).orElse(null));
    EpochMetrics metrics = new EpochMetrics(model);
    long batches = 0;
    Map<String, StateStatistics> merged = new LinkedHashMap<>();
    List<String> disagreeing = new ArrayList<>();
    Map<String, Integer> replicas = new LinkedHashMap<>();
    for (RoundReport r : reports.values()) {
      if (r == null) {
        continue;
      }
      metrics.merge(r.metrics());
      batches += r.batches();
      r.statistics().forEach((layer, s) -> merged.merge(layer, s, StateStatistics::merge));
      r.trainedWith().forEach((layer, prints) -> {
        replicas.merge(layer, prints.size(), Integer::sum);
        prints.stream().filter(p -> !p.equals(installed.get(layer)))
            .forEach(p -> disagreeing.add(r.executorId() + "/" + layer));
      });
    }
    if (!disagreeing.isEmpty()) {
      throw new IllegalStateException("replicas " + disagreeing + " trained with another"
          + " state than the driver installed");
    }
    replicasLastRound = replicas.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    long roundRevived = applyStatistics(merged, steps, endStep);
    install();
    return new Fitted(metrics, batches, roundRevived);
  }

  private long applyStatistics(Map<String, StateStatistics> merged, int steps, long endStep) {
    long roundRevived = 0;
    for (Layer layer : model.graph().getLayers()) {
      if (layer instanceof StatefulLayer s) {
        StateStatistics stats = merged.get(s.stateName());
        if (stats != null && steps > 0) {
          roundRevived += s.applyStatistics(stats, steps, endStep);
        }
      }
    }
    revived += roundRevived;
    return roundRevived;
  }

  /** Installs the driver's layer state on every executor and checks every replica has it. */
  private void install() {
    ModelState state = ModelState.of(model.graph());
    String id = runId;
    ModelSpec s = spec;
    long runSeed = seed;
    Map<String, Map<String, List<String>>> replicas = ExecutorJobs.onEach(sc,
        () -> new LinkedHashMap<>(WorkerRun.activate(id, s, runSeed).install(state)));
    Map<String, String> expected = state.fingerprints();
    installed = expected;
    List<String> disagreeing = new ArrayList<>();
    replicas.forEach((executor, layers) -> layers.forEach((layer, prints) -> {
      for (String p : prints) {
        if (!p.equals(expected.get(layer))) {
          disagreeing.add(executor + "/" + layer);
        }
      }
    }));
    if (!disagreeing.isEmpty()) {
      throw new IllegalStateException("replicas " + disagreeing
          + " do not hold the driver's state after installing it");
    }
  }

  /**
   * The state fingerprints of every live stateful replica, by executor and layer, and the
   * driver's under the key {@code "model"} (for checks and tests).
   */
  public Map<String, Map<String, List<String>>> fingerprints() {
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    Map<String, List<String>> driver = new LinkedHashMap<>();
    ModelState.of(model.graph()).fingerprints().forEach((k, v) -> driver.put(k, List.of(v)));
    out.put("model", driver);
    out.putAll(ExecutorJobs.onEach(sc, () -> new LinkedHashMap<>(
        WorkerRun.current().map(WorkerRun::fingerprints).orElse(Map.of()))));
    return out;
  }

  /**
   * Writes the driver's parameters into the replica every executor trains (gradient sharing; with
   * parameter averaging DL4J broadcasts them at every fit). Done at the end of every epoch: within
   * an epoch the replicas drift apart by the updates still in flight when a round ends, which DL4J
   * neither applies everywhere nor carries over.
   */
  private void installParameters() {
    if (encoder != null) {
      encoder.installParameters(sc, model.graph().params());
    }
  }

  /**
   * The largest absolute difference between the driver's parameters and those of the replica each
   * executor trains, by executor id (gradient sharing only; empty with parameter averaging): 0 right
   * after an epoch's end, when the driver installs its parameters everywhere.
   */
  public Map<String, Double> replicaDrift() {
    if (encoder == null) {
      return Map.of();
    }
    float[] driver = model.graph().params().dup('c').reshape(-1).toFloatVector();
    Map<String, Double> out = new LinkedHashMap<>();
    encoder.replicaParameters(sc).forEach((executor, params) -> {
      if (params == null || params.length != driver.length) {
        throw new IllegalStateException("executor " + executor + " holds no replica of the"
            + " driver's " + driver.length + " parameters");
      }
      double max = 0;
      for (int i = 0; i < driver.length; i++) {
        max = Math.max(max, Math.abs((double) params[i] - driver[i]));
      }
      out.put(executor, max);
    });
    return out;
  }

  /**
   * Replicas (per stateful layer, summed over executors) that trained in the last round, every one
   * of them with exactly the state the driver had installed.
   */
  public int replicasLastRound() {
    return replicasLastRound;
  }

  /** Units (codes, atoms) revived since the start of this trainer. */
  public long revivedCodes() {
    return revived;
  }

  /**
   * Logs what the update encoders sent and ends the run on every executor.
   *
   * @throws IllegalStateException when an executor did not encode with the levelled encoder or
   *     the run could not be ended on every executor
   */
  @Override
  public void close() {
    String id = runId;
    try {
      if (encoder != null) {
        LevelledEncodingHandler.Traffic traffic = encoderTraffic();
        LOG.info("gradient sharing sent, per encoding level (threshold, threshold/2, ...):"
            + " messages {}, bytes {}", Arrays.toString(traffic.messages()),
            Arrays.toString(traffic.bytes()));
      }
    } finally {
      ExecutorJobs.onEach(sc, () -> {
        WorkerRun.deactivate(id);
        return Boolean.TRUE;
      });
    }
  }
}
