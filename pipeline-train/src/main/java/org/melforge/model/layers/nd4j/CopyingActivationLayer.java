package org.melforge.model.layers.nd4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's activation layer, taking its copying (training) path at inference too. DL4J 1.0.0-M2.1's
 * {@link ActivationLayer} applies its activation in place on the input array at inference
 * ({@code output()} with workspaces); when that input also feeds another vertex, as in a residual
 * block {@code x + f(relu(x))}, the other vertex then reads {@code relu(x)} instead of {@code x}.
 * The runtime of {@code org.melforge.model.layers.Relu}. Part of the ND4J/SameDiff fence (see
 * {@code package-info.java}).
 */
public final class CopyingActivationLayer extends ActivationLayer {

  /**
   * @param conf the layer's configuration
   * @param dataType the network's data type
   */
  public CopyingActivationLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    return super.activate(true, workspaceMgr);
  }
}
