package org.melforge.model.layers.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.nativeblas.Nd4jCpu;

/** {@link OneDnn#enable()} puts DL4J's convolution layers on oneDNN without changing results. */
class OneDnnTest {

  @AfterAll
  static void leaveEnabled() {
    OneDnn.enable();
  }

  private static ComputationGraph build() {
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(3)
            .updater(new Sgd(0.1))
            .convolutionMode(ConvolutionMode.Same)
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.convolutional(6, 8, 2))
            .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
            .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "conv")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  @Test
  void shimReportsTheNativeSwitch() {
    assertTrue(Nd4jCpu.Environment.getInstance().isUseMKLDNN(), "this build uses the onednn classifier");
  }

  @Test
  void convolutionGetsTheHelperOnlyWhenEnabledAndScoresAgree() {
    System.setProperty(OneDnn.PROPERTY, "true");
    ComputationGraph plain = build();
    OneDnn.enable();
    OneDnn.enable();
    assertTrue(OneDnn.enabled());
    ComputationGraph fast = build();
    assertFalse(OneDnn.helperActive(plain, "conv"));
    assertTrue(OneDnn.helperActive(fast, "conv"));

    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(3, 2, 6, 8);
    INDArray y = Nd4j.rand(3, 4, 6, 8);
    fast.setParams(plain.params());
    for (int i = 0; i < 3; i++) {
      plain.fit(new INDArray[] {x}, new INDArray[] {y});
      fast.fit(new INDArray[] {x}, new INDArray[] {y});
      assertEquals(plain.score(), fast.score(), 1e-6 * plain.score(), "float rounding only");
    }
    assertTrue(plain.params().equalsWithEps(fast.params(), 1e-5));
  }

  @Test
  void unknownLayerIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> OneDnn.helperActive(build(), "nope"));
  }
}
