package org.melforge.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link TransposedConv2D} reproduces PyTorch's {@code ConvTranspose2d(3, 2, 4, 2, 1)} and its
 * weight and bias gradients (SQUARED_LOSS against zeros is {@code 2 / batch} times PyTorch's
 * {@code sum(y * y) / 2}) on a fixed case written by {@code src/test/python/transposed_conv_reference.py}.
 */
class TransposedConv2DTorchTest {

  @Test
  void matchesPyTorchReference() throws IOException {
    List<double[]> ref;
    try (InputStream in = getClass().getResourceAsStream("conv_transpose2d_reference.txt")) {
      ref = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(l -> Arrays.stream(l.split(" ")).mapToDouble(Double::parseDouble).toArray()).toList();
    }
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .dataType(DataType.DOUBLE)
            .updater(new NoOp())
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.convolutional(3, 4, 3))
            .addLayer("up", TransposedConv2D.of(3, 2, Activation.IDENTITY), "in")
            .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.SQUARED_LOSS).activation(Activation.IDENTITY).build(), "up")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    INDArray x = Nd4j.create(ref.get(0), new long[] {2, 3, 3, 4}, 'c');
    graph.getLayer("up").setParam("W", Nd4j.create(ref.get(1), new long[] {3, 2, 4, 4}, 'c'));
    graph.getLayer("up").setParam("b", Nd4j.create(ref.get(2), new long[] {1, 2}, 'c'));

    INDArray y = graph.outputSingle(x);
    assertArrayEquals(ref.get(3), y.ravel().toDoubleVector(), 1e-12);

    graph.setInputs(x);
    graph.setLabels(Nd4j.zeros(DataType.DOUBLE, y.shape()));
    graph.computeGradientAndScore();
    double toTorch = x.size(0) / 2.0;
    assertArrayEquals(ref.get(5), graph.gradient().getGradientFor("up_W").mul(toTorch).ravel().toDoubleVector(), 1e-10);
    assertArrayEquals(ref.get(6), graph.gradient().getGradientFor("up_b").mul(toTorch).ravel().toDoubleVector(), 1e-10);
    assertEquals(ref.get(3).length, y.length());
  }
}
