package org.melforge.model.layers.nd4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's SameDiff layer runtime with correct gradients. In DL4J 1.0.0-M2.1 a (non-output)
 * {@code SameDiffLayer} returns exactly twice the true gradient, for its parameters and for its
 * input alike (measured with {@code GradientCheckUtil} against an identity layer; see
 * {@code GradientCheckTest}). The backward pass is linear in the incoming error, so halving the
 * error before DL4J's backward pass yields the true gradients. Every SameDiff layer of this project
 * instantiates this runtime (or a subclass), wired by
 * {@code org.melforge.model.layers.LayerRuntimes#wire}. Part of the ND4J/SameDiff fence (see
 * {@code package-info.java}).
 */
public class SameDiffLayerRuntime extends SameDiffLayer {

  public SameDiffLayerRuntime(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    return super.backpropGradient(epsilon.mul(0.5), mgr);
  }
}
