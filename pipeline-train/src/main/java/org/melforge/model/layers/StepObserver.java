package org.melforge.model.layers;

import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Receives the training activations of a step from the layers of the replicas a runtime trains,
 * for its metrics: DL4J gives replicas built on executors no listeners, so a runtime makes itself
 * the JVM's active observer ({@link #activate}) and bottleneck and loss layers report to it.
 */
public interface StepObserver {

  /** A bottleneck layer's training activation of the current step. */
  void observe(String layer, INDArray activation);

  /** An output layer's input and labels of the current step. */
  void observeOutput(String layer, INDArray input, INDArray labels);

  /** The JVM's active observer, if any. */
  static Optional<StepObserver> active() {
    return Optional.ofNullable(Holder.active);
  }

  /** Makes {@code observer} the JVM's active observer. */
  static void activate(StepObserver observer) {
    Holder.active = observer;
  }

  /** Removes {@code observer} if it is the active one. */
  static void deactivate(StepObserver observer) {
    synchronized (Holder.class) {
      if (Holder.active == observer) {
        Holder.active = null;
      }
    }
  }

  /** The JVM-wide slot. */
  final class Holder {
    private static volatile StepObserver active;

    private Holder() {}
  }
}
