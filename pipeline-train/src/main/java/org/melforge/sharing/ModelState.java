package org.melforge.sharing;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.melforge.bottleneck.StateFingerprint;
import org.melforge.bottleneck.StatefulLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The non-gradient state of a model's {@link StatefulLayer}s (e.g. EMA codebooks), as the driver
 * holds it after a synchronisation: copied, shipped to executors and written into every replica.
 */
final class ModelState implements Serializable {

  private static final long serialVersionUID = 2L;

  private final Map<String, Map<String, INDArray>> layers;

  private ModelState(Map<String, Map<String, INDArray>> layers) {
    this.layers = layers;
  }

  /** A copy of the state of every stateful layer of {@code graph} that has state. */
  static ModelState of(ComputationGraph graph) {
    Map<String, Map<String, INDArray>> out = new LinkedHashMap<>();
    for (Layer layer : graph.getLayers()) {
      if (layer instanceof StatefulLayer s) {
        Map<String, INDArray> state = s.state();
        if (!state.isEmpty()) {
          out.put(s.stateName(), state);
        }
      }
    }
    return new ModelState(out);
  }

  /** Writes this state into {@code replica}, if it holds a layer of the same name. */
  void applyTo(StatefulLayer replica) {
    Map<String, INDArray> state = layers.get(replica.stateName());
    if (state != null) {
      replica.setState(state);
    }
  }

  /** The {@link StateFingerprint} of each layer's state, by layer name. */
  Map<String, String> fingerprints() {
    Map<String, String> out = new LinkedHashMap<>();
    layers.forEach((name, state) -> out.put(name, StateFingerprint.of(state)));
    return out;
  }
}
