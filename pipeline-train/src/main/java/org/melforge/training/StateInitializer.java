package org.melforge.training;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.melforge.bottleneck.StatefulLayer;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-dependent initialisation of a fresh model's {@link StatefulLayer}s (e.g. k-means of
 * codebooks) from their inputs on the first batches, bottleneck by bottleneck, coarse level first:
 * a lower level's input depends on the state initialised above it.
 */
final class StateInitializer {

  private static final Logger LOG = LoggerFactory.getLogger(StateInitializer.class);

  private StateInitializer() {}

  /** Initialises every stateful bottleneck of {@code model} from {@code batches}, seeded. */
  static void initialize(TokenizerModel model, List<INDArray> batches, long seed) {
    for (String name : model.bottlenecks()) {
      Layer layer = model.graph().getLayer(name);
      if (!(layer instanceof StatefulLayer stateful)) {
        continue;
      }
      String input = model.inputOf(name);
      List<INDArray> inputs = new ArrayList<>();
      for (INDArray x : batches) {
        inputs.add(model.activations(model.evaluationBatch(x, 0)).get(input));
      }
      String done = stateful.initialize(inputs, seed);
      if (!done.isEmpty()) {
        LOG.info("initialised {} from {} batches: {}", name, batches.size(), done);
      }
    }
  }
}
