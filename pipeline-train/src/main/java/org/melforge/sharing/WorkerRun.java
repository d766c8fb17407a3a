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
import org.deeplearning4j.nn.api.Layer;
import org.melforge.bottleneck.StateFingerprint;
import org.melforge.bottleneck.StateHook;
import org.melforge.bottleneck.StateStatistics;
import org.melforge.bottleneck.StatefulLayer;
import org.melforge.metrics.EpochMetrics;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.model.layers.StepObserver;
import org.melforge.spark.internal.SparkInternals;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What one JVM (an executor, or the driver in local mode) knows about the distributed training run
 * it takes part in. DL4J gives the training replicas it builds on executors neither listeners nor
 * any other hook, so the run makes itself the JVM's {@link StepObserver} and {@link StateHook}:
 * <ul>
 *   <li>each training step's bottleneck activations, reconstruction and labels become the
 *       worker's {@link EpochMetrics} (the same code as in one JVM);
 *   <li>{@link StatefulLayer}s hand over their step's {@link StateStatistics} instead of updating
 *       their state: the driver merges the statistics of all workers, applies them once and
 *       installs the result in every replica ({@link #install}), so replicas never disagree;
 *   <li>stateful replicas register, so installs reach every live replica.
 * </ul>
 * The driver collects {@link #harvest} and pushes {@link #install} through
 * {@link ExecutorJobs}, one task per executor, between two training rounds. A JVM has at most one
 * active run; layers of a JVM without one (single-JVM training) apply their own statistics.
 */
public final class WorkerRun implements StepObserver, StateHook {

  private static volatile WorkerRun active;

  private final String id;
  private final long seed;
  private final TokenizerModel layout;
  private volatile EpochMetrics metrics;
  private final Map<String, StateStatistics> statistics = new HashMap<>();
  private final Map<Thread, AtomicLong> steps = new ConcurrentHashMap<>();
  private final List<WeakReference<StatefulLayer>> replicas = new ArrayList<>();
  private final Map<StatefulLayer, String> trainedWith =
      Collections.synchronizedMap(new java.util.IdentityHashMap<>());
  private final ThreadLocal<Map<String, INDArray>> step = ThreadLocal.withInitial(HashMap::new);
  private final AtomicLong handovers = new AtomicLong();
  private volatile ModelState state;

  private WorkerRun(String id, ModelSpec spec, long seed) {
    this.id = id;
    this.seed = seed;
    this.layout = TokenizerModel.layout(spec);
    this.metrics = new EpochMetrics(layout);
  }

  /** The run this JVM takes part in, if any. */
  static Optional<WorkerRun> current() {
    return Optional.ofNullable(active);
  }

  /**
   * Makes run {@code id} this JVM's active run (keeping it if it already is); {@code seed}
   * ({@code train.seed}) seeds the sampling of revival candidates ({@link #statistics}).
   */
  static synchronized WorkerRun activate(String id, ModelSpec spec, long seed) {
    WorkerRun run = active;
    if (run == null || !run.id.equals(id)) {
      if (run != null) {
        run.detach();
      }
      run = new WorkerRun(id, spec, seed);
      active = run;
      StepObserver.activate(run);
      StateHook.activate(run);
    }
    return run;
  }

  /** Ends run {@code id} in this JVM, if it is the active one. */
  static synchronized void deactivate(String id) {
    if (active != null && active.id.equals(id)) {
      active.detach();
      active = null;
    }
  }

  private void detach() {
    StepObserver.deactivate(this);
    StateHook.deactivate(this);
  }

  /** Records a bottleneck layer's training activation of the current step. */
  @Override
  public void observe(String layer, INDArray activation) {
    record(layer, activation);
  }

  /**
   * Records an output layer's input and labels of the current step; the reconstruction output's
   * input is the reconstruction. Once every output and bottleneck of the step is recorded the step
   * goes to the worker's metrics.
   */
  @Override
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

  /**
   * Takes a stateful layer's statistics of one step (instead of it updating its state), keeping a
   * sample of its revival candidates seeded by the run's seed, the handover's number in this JVM
   * and the layer.
   */
  @Override
  public void statistics(StatefulLayer layer, StateStatistics stats, long globalStep) {
    long seed = (this.seed * 1_000_003L + handovers.incrementAndGet()) * 1_000_003L
        + layer.stateName().hashCode();
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      synchronized (statistics) {
        statistics.merge(layer.stateName(), stats.compact(seed),
            (a, b) -> a.merge(b).compact(seed + 1));
      }
    }
  }

  /**
   * Called by a stateful replica before each training forward pass: registers it (bringing it to
   * the installed state) and notes the state it trains with in this round.
   */
  @Override
  public void beforeTraining(StatefulLayer layer) {
    if (register(layer)) {
      ModelState s = state;
      if (s != null) {
        s.applyTo(layer);
      }
    }
    if (!trainedWith.containsKey(layer)) {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        trainedWith.put(layer, StateFingerprint.of(layer.state()));
      }
    }
  }

  /** Everything recorded since the last harvest, which starts over. */
  synchronized RoundReport harvest() {
    EpochMetrics taken = metrics;
    metrics = new EpochMetrics(layout);
    Map<String, StateStatistics> stats;
    synchronized (statistics) {
      stats = new LinkedHashMap<>(statistics);
      statistics.clear();
    }
    List<Long> perThread = new ArrayList<>();
    steps.values().forEach(s -> perThread.add(s.getAndSet(0)));
    Map<String, List<String>> used = new LinkedHashMap<>();
    synchronized (trainedWith) {
      trainedWith.forEach((layer, print) -> used.computeIfAbsent(layer.stateName(),
          k -> new ArrayList<>()).add(print));
      trainedWith.clear();
    }
    return new RoundReport(executorId(), perThread, taken, stats, used);
  }

  /** Writes {@code newState} into every registered replica; later replicas get it on registering. */
  synchronized Map<String, List<String>> install(ModelState newState) {
    state = newState;
    forEachLive(newState::applyTo);
    return fingerprints();
  }

  /** Per stateful layer name, the {@link StateFingerprint} of each live replica. */
  Map<String, List<String>> fingerprints() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    forEachLive(layer -> out.computeIfAbsent(layer.stateName(), k -> new ArrayList<>())
        .add(StateFingerprint.of(layer.state())));
    return out;
  }

  /**
   * Registers a replica unless it is already (by identity: DL4J layers define equals and hashCode
   * over their fields, input arrays of closed workspaces included); whether it was new.
   */
  private boolean register(StatefulLayer layer) {
    synchronized (replicas) {
      for (WeakReference<StatefulLayer> ref : replicas) {
        if (ref.get() == layer) {
          return false;
        }
      }
      replicas.add(new WeakReference<>(layer));
      return true;
    }
  }

  /**
   * Runs {@code action} on every registered replica that is still alive, forgetting the others:
   * garbage-collected ones, and those whose parameters DL4J closed (it closes the replicas of
   * ParallelWrapper threads other than the first when their trainer stops; an operation on them
   * then fails).
   */
  private void forEachLive(java.util.function.Consumer<StatefulLayer> action) {
    synchronized (replicas) {
      replicas.removeIf(ref -> {
        StatefulLayer layer = ref.get();
        if (layer == null) {
          return true;
        }
        try {
          action.accept(layer);
          return false;
        } catch (IllegalStateException e) {
          if (layer instanceof Layer l
              && l.paramTable().values().stream().anyMatch(INDArray::wasClosed)) {
            return true;
          }
          throw e;
        }
      });
    }
  }

  static String executorId() {
    return SparkInternals.executorId();
  }
}
