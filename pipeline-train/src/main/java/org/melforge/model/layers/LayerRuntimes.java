package org.melforge.model.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Wiring of a layer runtime the way DL4J's own layer configurations do it in
 * {@code instantiate}: index, parameter view, parameter table (initialised when asked), listeners.
 * Every configuration of this project whose {@code instantiate} returns its own runtime calls it.
 */
public final class LayerRuntimes {

  private LayerRuntimes() {}

  /** Wires {@code layer}, the runtime of {@code conf}, and returns it. */
  public static <T extends Layer> T wire(T layer, org.deeplearning4j.nn.conf.layers.Layer conf,
      NeuralNetConfiguration netConf, Collection<TrainingListener> listeners, int index,
      INDArray paramsView, boolean initializeParams) {
    layer.setIndex(index);
    layer.setParamsViewArray(paramsView);
    layer.setParamTable(conf.initializer().init(netConf, paramsView, initializeParams));
    layer.setConf(netConf);
    layer.setListeners(listeners);
    return layer;
  }
}
