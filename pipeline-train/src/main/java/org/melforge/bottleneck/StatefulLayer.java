package org.melforge.bottleneck;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer runtime with state that gradients do not train: EMA codebooks with dead-code revival
 * today; online or K-SVD dictionary updates with dead-atom revival, or batch-level entropy
 * statistics, tomorrow. The state lives in the layer's parameter table (so checkpoints and
 * broadcasts carry it) with a {@code NoOp} updater. The training runtimes (one JVM, gradient
 * sharing, parameter averaging) handle every such layer through this interface only.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li><b>Before each training forward pass</b> the layer calls
 *       {@link StateHook#beforeTraining} of the JVM's active hook, so the runtime can register the
 *       replica, bring it to the state it installed and note which state it trains with.
 *   <li><b>After each training step</b> (once backpropagation through the layer is done) the
 *       layer hands what the step measured as {@link StateStatistics} to
 *       {@link StateHook#statistics}; it never updates its own state from a step directly.
 *   <li>The runtime merges statistics ({@link StateStatistics#merge}) over steps and workers as
 *       it sees fit and calls {@link #applyStatistics} on exactly one replica (one JVM: the one
 *       that trained; distributed: the driver's model) with the merged statistics, the number of
 *       steps they cover and the global step at their end. The update must depend only on its
 *       arguments and the current state, so that applying the same merged statistics to equal
 *       states gives equal states.
 *   <li>The runtime then copies {@link #state()} of that replica into every other one with
 *       {@link #setState}, and checks with {@link StateFingerprint} that all replicas agree.
 *   <li><b>Data-dependent initialisation</b> (k-means of codebooks or dictionaries) runs once, on
 *       a fresh model, through {@link #initialize} with the layer's inputs on a few batches; the
 *       runtime ships the result like any other state.
 * </ol>
 * A layer in a mode without such state (e.g. a codebook trained by its loss) returns an empty
 * {@link #state()} and never emits statistics.
 */
public interface StatefulLayer {

  /** The layer's name in the graph (the key of its statistics and state). */
  String stateName();

  /** Copies of the non-gradient state arrays by parameter name; empty when the layer has none. */
  Map<String, INDArray> state();

  /** Overwrites the non-gradient state with {@code state} (as returned by {@link #state()}). */
  void setState(Map<String, INDArray> state);

  /**
   * Applies statistics merged over {@code steps} training steps (of all workers) ending at global
   * step {@code step}, which with the graph's configured seed ({@code train.seed}) seeds any
   * random choice (e.g. revival candidates).
   *
   * @return units (codes, atoms) revived by this update
   */
  long applyStatistics(StateStatistics merged, int steps, long step);

  /** Units revived by the last {@link #applyStatistics} of this replica. */
  long lastRevived();

  /**
   * Initialises the state from the layer's inputs on a few batches ({@code inputs}, each as the
   * layer receives it), seeded; returns a line describing what was done, or empty when this layer
   * does not initialise from data.
   */
  String initialize(List<INDArray> inputs, long seed);
}
