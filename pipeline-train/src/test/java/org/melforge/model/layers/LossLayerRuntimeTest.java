package org.melforge.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.melforge.DoublePrecision;
import org.melforge.bottleneck.KlFreeBitsLoss;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * {@link LossLayerRuntime} (each loss's ND4J form) against the loss's SameDiff definition run by
 * DL4J's own SameDiff output layer, in double precision: the layer's score and input gradient for
 * given input and labels, and in a graph with workspaces (a parameter layer in front) the network
 * score and parameter gradients.
 */
@ExtendWith(DoublePrecision.class)
class LossLayerRuntimeTest {

  static final int L = 3;

  /** A loss run through its SameDiff definition by DL4J's runtime. */
  static class Reference extends LossLayer {
    private LossLayer spec;

    Reference() {}

    Reference(LossLayer spec) {
      this.spec = spec;
    }

    @Override
    protected SDVariable defineLoss(SameDiff sd, SDVariable input, SDVariable labels) {
      return spec.defineLoss(sd, input, labels);
    }

    @Override
    public double sumLoss(INDArray input, INDArray labels) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void sumLossGradient(INDArray input, INDArray labels, INDArray out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
        int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
      SameDiffOutputLayer layer = new SameDiffOutputLayer(conf, dataType);
      layer.setIndex(layerIndex);
      layer.setParamsViewArray(paramsView);
      layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
      layer.setConf(conf);
      return layer;
    }
  }

  static Stream<Arguments> losses() {
    Nd4j.getRandom().setSeed(11);
    INDArray image = Nd4j.rand(DataType.DOUBLE, 3, 2, 4, 5).subi(0.5);
    INDArray stats = Nd4j.rand(DataType.DOUBLE, 4, 2 * L).subi(0.5).muli(3);
    stats.getColumn(0).muli(0.01); // dimension 0 below the free bits
    stats.getColumn(L).muli(0.01);
    return Stream.of(
        Arguments.of(new MeanSquaredErrorLoss(), image, Nd4j.rand(DataType.DOUBLE, 3, 2, 4, 5)),
        Arguments.of(new AuxiliaryLoss(), image.dup(), Nd4j.zeros(DataType.DOUBLE, 3, 1)),
        Arguments.of(new KlFreeBitsLoss(L, 0.05), stats,
            Nd4j.valueArrayOf(new long[] {4, 1}, 0.7, DataType.DOUBLE)));
  }

  static ComputationGraph graph(LossLayer loss, INDArray input) {
    boolean image = input.rank() == 4;
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
        .dataType(DataType.DOUBLE).updater(new NoOp())
        .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
        .graphBuilder().addInputs("x")
        .setInputTypes(image ? InputType.convolutional(input.size(2), input.size(3), input.size(1))
            : InputType.feedForward(input.size(1)))
        .addLayer("pre", image
            ? new ConvolutionLayer.Builder(1, 1).nOut(input.size(1)).activation(Activation.TANH)
                .build()
            : new DenseLayer.Builder().nOut(input.size(1)).activation(Activation.TANH).build(), "x")
        .addLayer("loss", loss, "pre")
        .setOutputs("loss").build());
    g.init();
    return g;
  }

  @ParameterizedTest
  @MethodSource("losses")
  void equalsTheSameDiffDefinition(LossLayer loss, INDArray input, INDArray labels) {
    ComputationGraph ours = graph(loss, input);
    ComputationGraph reference = graph(new Reference(loss), input);
    reference.setParams(ours.params());
    assertInstanceOf(LossLayerRuntime.class, ours.getLayer("loss"));

    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    double[] scores = new double[2];
    INDArray[] grads = new INDArray[2];
    int i = 0;
    for (ComputationGraph g : new ComputationGraph[] {reference, ours}) {
      IOutputLayer layer = (IOutputLayer) g.getLayer("loss");
      layer.setInput(input, mgr);
      layer.setLabels(labels);
      grads[i] = layer.backpropGradient(null, mgr).getSecond();
      scores[i++] = layer.computeScore(0.0, true, mgr);
    }
    assertEquals(scores[0], scores[1], 1e-12 * Math.max(1, Math.abs(scores[0])));
    assertClose(grads[0], grads[1]);
    assertTrue(grads[1].norm1Number().doubleValue() > 0);
    if (loss instanceof KlFreeBitsLoss) {
      assertEquals(0.0, grads[1].getColumn(0).norm1Number().doubleValue(), "clamped dimension");
    }

    for (ComputationGraph g : new ComputationGraph[] {reference, ours}) {
      g.setInputs(input);
      g.setLabels(labels);
      g.computeGradientAndScore();
    }
    assertEquals(reference.score(), ours.score(), 1e-12 * Math.max(1, Math.abs(ours.score())));
    for (String key : reference.gradient().gradientForVariable().keySet()) {
      assertClose(reference.gradient().getGradientFor(key), ours.gradient().getGradientFor(key));
    }
    assertClose(reference.output(input)[0], ours.output(input)[0]);
  }

  private static void assertClose(INDArray expected, INDArray actual) {
    assertEquals(expected.length(), actual.length());
    double diff = expected.reshape(-1).sub(actual.reshape(-1)).norm1Number().doubleValue();
    assertTrue(diff <= 1e-10 * Math.max(1, expected.norm1Number().doubleValue()),
        "differ by " + diff + ":\n" + expected + "\n" + actual);
  }
}
