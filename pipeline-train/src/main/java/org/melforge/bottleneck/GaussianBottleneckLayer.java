package org.melforge.bottleneck;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.melforge.model.layers.StepObserver;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime of {@link GaussianBottleneck}: the reparameterisation {@code [mu, logvar, eps] ->
 * [mu + eps * exp(0.5 logvar), mu, logvar]} and its true gradient, with ND4J ops instead of the
 * layer's SameDiff graph (the reference it must equal, see {@code GaussianBottleneckLayerTest}).
 * Backward, with {@code s = exp(0.5 logvar)} and incoming {@code [gz, gmu, glogvar]}:
 * {@code dmu = gz + gmu}, {@code dlogvar = glogvar + 0.5 gz eps s}, {@code deps = gz s}.
 */
public class GaussianBottleneckLayer extends SameDiffLayerRuntime {

  /**
   * @param conf the layer's configuration
   * @param dataType the network's data type
   */
  public GaussianBottleneckLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private long latentDim() {
    return ((GaussianBottleneck) layerConf()).latentDim();
  }

  private static INDArray part(INDArray a, long l, int index) {
    return a.get(NDArrayIndex.all(), NDArrayIndex.interval(index * l, (index + 1) * l));
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    long l = latentDim();
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
        new long[] {input.size(0), 3 * l}, 'c');
    out.get(NDArrayIndex.all(), NDArrayIndex.interval(l, 3 * l))
        .assign(input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2 * l)));
    INDArray z = part(out, l, 0).assign(part(input, l, 1)).muli(0.5);
    Transforms.exp(z, false).muli(part(input, l, 2)).addi(part(input, l, 0));
    if (training) {
      StepObserver.active().ifPresent(o -> o.observe(layerConf().getLayerName(), out));
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    long l = latentDim();
    INDArray gz = part(epsilon, l, 0);
    INDArray grad = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(),
        input.shape(), 'c');
    INDArray dEps = part(grad, l, 2).assign(part(input, l, 1)).muli(0.5);
    Transforms.exp(dEps, false).muli(gz);
    part(grad, l, 0).assign(gz).addi(part(epsilon, l, 1));
    part(grad, l, 1).assign(dEps).muli(part(input, l, 2)).muli(0.5).addi(part(epsilon, l, 2));
    return new Pair<>(new DefaultGradient(), grad);
  }
}
