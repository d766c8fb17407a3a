package org.melforge.sharing;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.melforge.bottleneck.CodeStatistics;
import org.melforge.bottleneck.VectorQuantizerLayer;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.training.EpochMetrics;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What one JVM (an executor, or the driver in local mode) knows about the distributed training run
 * it takes part in. DL4J gives the training replicas it builds on executors neither listeners nor
 * any other hook, so the project's own layers report to the active run of their JVM:
 * <ul>
 *   <li>each training step's bottleneck activations, reconstruction and labels, which become the
 *       worker's {@link EpochMetrics} (the same code as in one JVM);
 *   <li>EMA quantizers hand over their step's {@link CodeStatistics} instead of updating their
 *       codebook: the driver merges the statistics of all workers, applies one update and installs
 *       the result in every replica ({@link #install}), so replicas never disagree;
 *   <li>quantizer layers register, so installs reach every live replica.
 * </ul>
 * The driver collects {@link #harvest} and pushes {@link #install} through
 * {@link ExecutorJobs}, one task per executor, between two training rounds. A JVM has at most one
 * active run; layers of a JVM without one (single-JVM training) behave as before.
 */
public final class WorkerRun {

  private static final int MAX_CANDIDATES_FACTOR = 4;
  private static volatile WorkerRun active;

  private final String id;
  private final TokenizerModel layout;
  private volatile EpochMetrics metrics;
  private final Map<String, CodeStatistics> codes = new HashMap<>();
  private final Map<Thread, AtomicLong> steps = new ConcurrentHashMap<>();
  private final List<WeakReference<VectorQuantizerLayer>> quantizers = new ArrayList<>();
  private final Map<VectorQuantizerLayer, String> trainedWith =
      Collections.synchronizedMap(new java.util.IdentityHashMap<>());
  private final ThreadLocal<Map<String, INDArray>> step = ThreadLocal.withInitial(HashMap::new);
  private final AtomicLong handovers = new AtomicLong();
  private volatile QuantizerState state;

  private WorkerRun(String id, ModelSpec spec) {
    this.id = id;
    this.layout = TokenizerModel.layout(spec);
    this.metrics = new EpochMetrics(layout);
  }

  /** The run this JVM takes part in, if any. */
  public static Optional<WorkerRun> current() {
    return Optional.ofNullable(active);
  }

  /** Makes run {@code id} this JVM's active run (keeping it if it already is). */
  static synchronized WorkerRun activate(String id, ModelSpec spec) {
    WorkerRun run = active;
    if (run == null || !run.id.equals(id)) {
      run = new WorkerRun(id, spec);
      active = run;
    }
    return run;
  }

  /** Ends run {@code id} in this JVM, if it is the active one. */
  static synchronized void deactivate(String id) {
    if (active != null && active.id.equals(id)) {
      active = null;
    }
  }

  /** Records a bottleneck layer's training activation of the current step. */
  public void observe(String layer, INDArray activation) {
    record(layer, activation);
  }

  /**
   * Records an output layer's input and labels of the current step; the reconstruction output's
   * input is the reconstruction. Once every output and bottleneck of the step is recorded the step
   * goes to the worker's metrics.
   */
  public void observeOutput(String layer, INDArray input, INDArray labels) {
    if (layer.equals(layout.reconstructionOutput())) {
      record(layout.reconstructionVertex(), input);
    }
    record("labels:" + layer, labels);
  }

  private void record(String key, INDArray array) {
    Map<String, INDArray> current = step.get();
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      current.put(key, array.dup());
    }
    List<String> outputs = layout.graph().getConfiguration().getNetworkOutputs();
    if (current.size() == outputs.size() + layout.bottlenecks().size() + 1) {
      INDArray[] labels = outputs.stream().map(o -> current.get("labels:" + o)).toArray(INDArray[]::new);
      Map<String, INDArray> activations = new LinkedHashMap<>(current);
      metrics.add(activations, new MultiDataSet(new INDArray[] {labels[0]}, labels));
      steps.computeIfAbsent(Thread.currentThread(), t -> new AtomicLong()).incrementAndGet();
      current.clear();
    }
  }

  /** Takes an EMA quantizer's statistics of one step (instead of updating its codebook). */
  public void handOver(String layer, CodeStatistics stats) {
    int max = MAX_CANDIDATES_FACTOR * stats.counts().length;
    long seed = handovers.incrementAndGet() * 1_000_003L + layer.hashCode();
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      synchronized (codes) {
        CodeStatistics limited = stats.limitCandidates(max, seed);
        codes.merge(layer, limited, (a, b) -> a.merge(b).limitCandidates(max, seed + 1));
      }
    }
  }

  /**
   * Called by a quantizer replica before each training forward pass: registers it (bringing it to
   * the installed state) and notes the state it trains with in this round.
   */
  public void training(VectorQuantizerLayer layer) {
    if (register(layer)) {
      QuantizerState s = state;
      if (s != null) {
        s.applyTo(layer);
      }
    }
    if (!trainedWith.containsKey(layer)) {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        trainedWith.put(layer, QuantizerState.fingerprint(layer.paramTable()));
      }
    }
  }

  /** Everything recorded since the last harvest, which starts over. */
  synchronized RoundReport harvest() {
    EpochMetrics taken = metrics;
    metrics = new EpochMetrics(layout);
    Map<String, CodeStatistics> stats;
    synchronized (codes) {
      stats = new LinkedHashMap<>(codes);
      codes.clear();
    }
    List<Long> perThread = new ArrayList<>();
    steps.values().forEach(s -> perThread.add(s.getAndSet(0)));
    Map<String, List<String>> used = new LinkedHashMap<>();
    synchronized (trainedWith) {
      trainedWith.forEach((q, print) -> used.computeIfAbsent(q.conf().getLayer().getLayerName(),
          k -> new ArrayList<>()).add(print));
      trainedWith.clear();
    }
    return new RoundReport(executorId(), perThread, taken, stats, used);
  }

  /** Writes {@code newState} into every registered replica; later replicas get it on registering. */
  synchronized Map<String, List<String>> install(QuantizerState newState) {
    state = newState;
    forEachLive(newState::applyTo);
    return fingerprints();
  }

  /** Per quantizer layer name, the {@link QuantizerState#fingerprint} of each live replica. */
  Map<String, List<String>> fingerprints() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    forEachLive(q -> out.computeIfAbsent(q.conf().getLayer().getLayerName(),
        k -> new ArrayList<>()).add(QuantizerState.fingerprint(q.paramTable())));
    return out;
  }

  /**
   * Registers a replica unless it is already (by identity: DL4J layers define equals and hashCode
   * over their fields, input arrays of closed workspaces included); whether it was new.
   */
  private boolean register(VectorQuantizerLayer layer) {
    synchronized (quantizers) {
      for (WeakReference<VectorQuantizerLayer> ref : quantizers) {
        if (ref.get() == layer) {
          return false;
        }
      }
      quantizers.add(new WeakReference<>(layer));
      return true;
    }
  }

  /**
   * Runs {@code action} on every registered replica that is still alive, forgetting the others:
   * garbage-collected ones, and those whose parameters DL4J closed (it closes the replicas of
   * ParallelWrapper threads other than the first when their trainer stops; an operation on them
   * then fails).
   */
  private void forEachLive(java.util.function.Consumer<VectorQuantizerLayer> action) {
    synchronized (quantizers) {
      quantizers.removeIf(ref -> {
        VectorQuantizerLayer q = ref.get();
        if (q == null) {
          return true;
        }
        try {
          action.accept(q);
          return false;
        } catch (IllegalStateException e) {
          if (q.paramTable().values().stream().anyMatch(INDArray::wasClosed)) {
            return true;
          }
          throw e;
        }
      });
    }
  }

  static String executorId() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "driver" : env.executorId();
  }
}
