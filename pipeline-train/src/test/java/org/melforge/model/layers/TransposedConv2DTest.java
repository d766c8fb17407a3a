package org.melforge.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@link TransposedConv2D} computes exactly what {@link Deconvolution2D} computes, and trains. */
class TransposedConv2DTest {

  private static final int B = 2;
  private static final int C_IN = 3;
  private static final int C_OUT = 2;
  private static final int H = 3;
  private static final int W = 4;

  private static ComputationGraph graph(Layer up, DataType type, WorkspaceMode mode) {
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(7)
            .dataType(type)
            .updater(new NoOp())
            .trainingWorkspaceMode(mode)
            .inferenceWorkspaceMode(mode)
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.convolutional(H, W, C_IN))
            .addLayer("up", up, "in")
            .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "up")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  private static Deconvolution2D reference(Activation activation) {
    return new Deconvolution2D.Builder(4, 4)
        .stride(2, 2)
        .padding(1, 1)
        .convolutionMode(ConvolutionMode.Truncate)
        .nIn(C_IN)
        .nOut(C_OUT)
        .activation(activation)
        .build();
  }

  private static INDArray random(DataType type, long... shape) {
    Nd4j.getRandom().setSeed(11);
    return Nd4j.randn(type, shape);
  }

  private static void assertClose(INDArray expected, INDArray actual, double tol) {
    assertEquals(0.0, expected.sub(actual).norm1Number().doubleValue() / expected.length(), tol, "mean abs diff");
    assertTrue(expected.equalsWithEps(actual, tol * 10), () -> expected + "\nvs\n" + actual);
  }

  @Test
  void matchesDeconvolution2dForwardAndBackward() {
    for (Activation activation : new Activation[] {Activation.IDENTITY, Activation.TANH}) {
      ComputationGraph ref = graph(reference(activation), DataType.DOUBLE, WorkspaceMode.ENABLED);
      ComputationGraph fast = graph(TransposedConv2D.of(C_IN, C_OUT, activation), DataType.DOUBLE, WorkspaceMode.ENABLED);
      assertEquals(ref.numParams(), fast.numParams());
      fast.setParams(random(DataType.DOUBLE, 1, ref.numParams()));
      ref.setParams(fast.params());

      INDArray x = random(DataType.DOUBLE, B, C_IN, H, W);
      INDArray labels = random(DataType.DOUBLE, B, C_OUT, 2 * H, 2 * W).muli(0.5);
      INDArray expected = ref.outputSingle(x);
      assertClose(expected, fast.outputSingle(x), 1e-12);

      ref.setInputs(x);
      ref.setLabels(labels);
      ref.computeGradientAndScore();
      fast.setInputs(x);
      fast.setLabels(labels);
      fast.computeGradientAndScore();
      assertEquals(ref.score(), fast.score(), 1e-12);
      Map<String, INDArray> refGrads = ref.gradient().gradientForVariable();
      Map<String, INDArray> fastGrads = fast.gradient().gradientForVariable();
      for (String key : new String[] {"up_W", "up_b"}) {
        assertClose(refGrads.get(key), fastGrads.get(key), 1e-12);
      }
    }
  }

  @Test
  void fitStepMatchesDeconvolution2dInFloatWithWorkspaces() {
    ComputationGraph ref = graph(reference(Activation.RELU), DataType.FLOAT, WorkspaceMode.ENABLED);
    ComputationGraph fast = graph(TransposedConv2D.of(C_IN, C_OUT, Activation.RELU), DataType.FLOAT, WorkspaceMode.ENABLED);
    ref.setParams(fast.params());
    INDArray x = random(DataType.FLOAT, B, C_IN, H, W);
    INDArray labels = random(DataType.FLOAT, B, C_OUT, 2 * H, 2 * W);
    for (int i = 0; i < 3; i++) {
      ref.fit(new INDArray[] {x}, new INDArray[] {labels});
      fast.fit(new INDArray[] {x}, new INDArray[] {labels});
    }
    assertClose(ref.outputSingle(x), fast.outputSingle(x), 1e-5);
  }

  @Test
  void passesGradientCheck() {
    ComputationGraph graph = graph(TransposedConv2D.of(C_IN, C_OUT, Activation.TANH), DataType.DOUBLE, WorkspaceMode.NONE);
    INDArray x = random(DataType.DOUBLE, B, C_IN, H, W);
    INDArray labels = random(DataType.DOUBLE, B, C_OUT, 2 * H, 2 * W);
    DataType previous = Nd4j.dataType();
    DataType previousFloat = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      boolean ok =
          GradientCheckUtil.checkGradients(
              new GradientCheckUtil.GraphConfig()
                  .net(graph)
                  .inputs(new INDArray[] {x})
                  .labels(new INDArray[] {labels})
                  .epsilon(1e-6)
                  .maxRelError(1e-5)
                  .minAbsoluteError(1e-9));
      assertTrue(ok);
    } finally {
      Nd4j.setDefaultDataTypes(previous, previousFloat);
    }
  }

  @Test
  void survivesJsonRoundTripAndClone() {
    TransposedConv2D layer = TransposedConv2D.builder(C_IN, C_OUT).hasBias(false).activation(Activation.RELU).build();
    ComputationGraph graph = graph(layer, DataType.FLOAT, WorkspaceMode.ENABLED);
    String json = graph.getConfiguration().toJson();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
    assertEquals(graph.getConfiguration(), back);
    LayerVertex vertex = assertInstanceOf(LayerVertex.class, back.getVertices().get("up"));
    TransposedConv2D restored = assertInstanceOf(TransposedConv2D.class, vertex.getLayerConf().getLayer());
    assertEquals(false, restored.hasBias());
    assertEquals(C_OUT, restored.getNOut());

    ComputationGraph rebuilt = new ComputationGraph(back);
    rebuilt.init(graph.params(), true);
    INDArray x = random(DataType.FLOAT, B, C_IN, H, W);
    assertClose(graph.outputSingle(x), rebuilt.outputSingle(x), 0);

    TransposedConv2D copy = restored.clone();
    assertNotSame(restored, copy);
    assertEquals(restored, copy);
  }

  @Test
  void rejectsOtherGeometries() {
    TransposedConv2D layer = TransposedConv2D.of(C_IN, C_OUT);
    layer.setStride(new int[] {1, 1});
    assertThrows(IllegalStateException.class, () -> graph(layer, DataType.FLOAT, WorkspaceMode.ENABLED));
  }
}
