package org.melforge.bottleneck;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.melforge.model.layers.StepObserver;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of {@link BinarySphericalQuantizer}: its SameDiff graph, with the project's gradient
 * fix ({@link SameDiffLayerRuntime}); training activations go to the JVM's {@link StepObserver},
 * if any. The layer has neither parameters nor state, so under gradient sharing it is a plain
 * layer of every replica and nothing of it needs merging.
 */
public class BinarySphericalQuantizerLayer extends SameDiffLayerRuntime {

  /**
   * @param conf the layer's configuration
   * @param dataType the network's data type
   */
  public BinarySphericalQuantizerLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    INDArray out = super.activate(training, workspaceMgr);
    if (training) {
      StepObserver.active().ifPresent(o -> o.observe(layerConf().getLayerName(), out));
    }
    return out;
  }
}
