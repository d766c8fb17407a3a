package org.melforge.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of every {@link LossLayer}: DL4J's output-layer contract computed with the layer's ND4J
 * form of its loss ({@link LossLayer#sumLoss}, {@link LossLayer#sumLossGradient}) instead of running
 * its SameDiff graph (DL4J sets up a session and recomputes the forward pass for every backward pass
 * and again for every score, a fixed cost of milliseconds per step). As in DL4J's own SameDiff
 * output layer, {@link #computeScore} is the minibatch-sum loss (plus the regularisation term)
 * divided by the minibatch size, {@link #backpropGradient} returns the gradient of the minibatch
 * sum, and the activation is the input. The SameDiff definition ({@link LossLayer#defineLoss})
 * stays the reference the ND4J form must equal ({@code LossLayerRuntimeTest}).
 */
public class LossLayerRuntime extends SameDiffOutputLayer {

  /**
   * @param conf the layer's configuration
   * @param dataType the network's data type
   */
  public LossLayerRuntime(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private LossLayer loss() {
    return (LossLayer) layerConf();
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    INDArray grad = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(),
        input.shape(), 'c');
    loss().sumLossGradient(input, labels, grad);
    StepObserver.active().ifPresent(o -> o.observeOutput(loss().getLayerName(), input, labels));
    return new Pair<>(new DefaultGradient(), grad);
  }

  @Override
  public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    return (loss().sumLoss(input, labels) + fullNetRegTerm) / input.size(0);
  }
}
