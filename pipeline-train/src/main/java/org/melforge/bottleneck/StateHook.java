package org.melforge.bottleneck;

import java.util.Optional;

/**
 * How a training runtime takes part in the steps of the {@link StatefulLayer}s of its JVM. DL4J
 * gives the replicas it builds (on executors, in parallel-wrapper threads) neither listeners nor
 * any other hook, so the runtime makes itself the JVM's active hook ({@link #activate}) and the
 * layers call it. Without an active hook a layer applies its own statistics after each step
 * ({@link #DIRECT}): plain single-JVM training, tests and tools.
 */
public interface StateHook {

  /** Applies every step's statistics to the layer that measured them, at once. */
  StateHook DIRECT = new StateHook() {
    @Override
    public void beforeTraining(StatefulLayer layer) {}

    @Override
    public void statistics(StatefulLayer layer, StateStatistics stats, long step) {
      layer.applyStatistics(stats, 1, step);
    }
  };

  /** Called by a stateful replica before each training forward pass. */
  void beforeTraining(StatefulLayer layer);

  /** Takes the statistics of one training step of {@code layer} at global step {@code step}. */
  void statistics(StatefulLayer layer, StateStatistics stats, long step);

  /** The JVM's active hook, {@link #DIRECT} when none is active. */
  static StateHook active() {
    return Holder.active == null ? DIRECT : Holder.active;
  }

  /** The JVM's active hook, if a runtime activated one. */
  static Optional<StateHook> activated() {
    return Optional.ofNullable(Holder.active);
  }

  /** Makes {@code hook} the JVM's active hook. */
  static void activate(StateHook hook) {
    Holder.active = hook;
  }

  /** Removes {@code hook} if it is the active one. */
  static void deactivate(StateHook hook) {
    synchronized (Holder.class) {
      if (Holder.active == hook) {
        Holder.active = null;
      }
    }
  }

  /** The JVM-wide slot. */
  final class Holder {
    private static volatile StateHook active;

    private Holder() {}
  }
}
