package org.melforge.model.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.melforge.model.layers.nd4j.CopyingActivationLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A ReLU layer that never modifies its input. DL4J 1.0.0-M2.1's {@link ActivationLayer} applies
 * its activation in place on the input array at inference ({@code output()} with workspaces); when
 * that input also feeds another vertex, as in a residual block {@code x + f(relu(x))}, the other
 * vertex then reads {@code relu(x)} instead of {@code x}, and inference disagrees with training.
 * This layer copies its input at inference as it does in training: its runtime is
 * {@link CopyingActivationLayer}.
 */
public class Relu extends ActivationLayer {

  /** A ReLU (also the JSON constructor). */
  public Relu() {
    super(Activation.RELU);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
    return LayerRuntimes.wire(new CopyingActivationLayer(conf, dataType), this, conf, listeners,
        layerIndex, paramsView, initializeParams);
  }
}
