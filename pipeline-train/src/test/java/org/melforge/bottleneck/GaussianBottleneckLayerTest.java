package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.LayerRuntimes;
import org.melforge.model.layers.MeanSquaredErrorLoss;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * {@link GaussianBottleneckLayer} against the bottleneck's SameDiff definition run by
 * {@link SameDiffLayerRuntime}, in double precision: activations and input gradient of the layer
 * for a random incoming error, and in a graph with workspaces (dense layers before and after, MSE
 * and KL outputs) the score and every parameter gradient.
 */
@ExtendWith(DoublePrecision.class)
class GaussianBottleneckLayerTest {

  static final int B = 4;
  static final int L = 3;

  /** The bottleneck run through SameDiff. */
  static class Reference extends GaussianBottleneck {
    Reference() {
      super(L);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
        int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
      return LayerRuntimes.wire(new SameDiffLayerRuntime(conf, dataType), this, conf,
          listeners, layerIndex, paramsView, initializeParams);
    }
  }

  static ComputationGraph graph(GaussianBottleneck bottleneck) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7)
        .dataType(DataType.DOUBLE).updater(new NoOp())
        .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
        .graphBuilder().addInputs("x", "eps")
        .setInputTypes(InputType.feedForward(5), InputType.feedForward(L))
        .addLayer("mu", new DenseLayer.Builder().nOut(L).activation(Activation.TANH).build(), "x")
        .addLayer("logvar", new DenseLayer.Builder().nOut(L).activation(Activation.TANH).build(),
            "x")
        .addVertex("post", new MergeVertex(), "mu", "logvar", "eps")
        .addLayer("z", bottleneck, "post")
        .addVertex("zs", ChannelSlice.range(0, L), "z")
        .addVertex("stats", ChannelSlice.range(L, 2 * L), "z")
        .addLayer("dec", new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build(),
            "zs")
        .addLayer("recon", new MeanSquaredErrorLoss(), "dec")
        .addLayer("kl", new KlFreeBitsLoss(L, 0.01), "stats")
        .setOutputs("recon", "kl").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    return g;
  }

  @Test
  void equalsTheSameDiffDefinition() {
    ComputationGraph ours = graph(new GaussianBottleneck(L));
    ComputationGraph reference = graph(new Reference());
    reference.setParams(ours.params());
    assertInstanceOf(GaussianBottleneckLayer.class, ours.getLayer("z"));
    Nd4j.getRandom().setSeed(13);

    INDArray post = Nd4j.rand(DataType.DOUBLE, B, 3 * L).subi(0.5).muli(3);
    INDArray error = Nd4j.rand(DataType.DOUBLE, B, 3 * L).subi(0.5);
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    Layer a = reference.getLayer("z");
    Layer b = ours.getLayer("z");
    for (Layer layer : new Layer[] {a, b}) {
      layer.setInput(post, mgr);
    }
    assertClose(a.activate(true, mgr), b.activate(true, mgr));
    assertClose(a.backpropGradient(error, mgr).getSecond(), b.backpropGradient(error, mgr).getSecond());

    INDArray[] in = {Nd4j.rand(DataType.DOUBLE, B, 5), Nd4j.randn(DataType.DOUBLE, B, L)};
    INDArray[] labels = {in[0], Nd4j.valueArrayOf(new long[] {B, 1}, 0.7, DataType.DOUBLE)};
    for (ComputationGraph g : new ComputationGraph[] {reference, ours}) {
      g.setInputs(in);
      g.setLabels(labels);
      g.computeGradientAndScore();
    }
    assertEquals(reference.score(), ours.score(), 1e-12);
    for (String key : reference.gradient().gradientForVariable().keySet()) {
      assertClose(reference.gradient().getGradientFor(key), ours.gradient().getGradientFor(key));
    }
    assertTrue(ours.gradient().getGradientFor("logvar_W").norm1Number().doubleValue() > 0);
    assertClose(reference.feedForward(in, false).get("z"), ours.feedForward(in, false).get("z"));
  }

  private static void assertClose(INDArray expected, INDArray actual) {
    assertEquals(expected.length(), actual.length());
    double diff = expected.reshape(-1).sub(actual.reshape(-1)).norm1Number().doubleValue();
    assertTrue(diff <= 1e-10 * Math.max(1, expected.norm1Number().doubleValue()),
        "differ by " + diff + ":\n" + expected + "\n" + actual);
  }
}
