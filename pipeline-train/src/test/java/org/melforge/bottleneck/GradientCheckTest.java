package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.BilinearUpsample;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

@ExtendWith(DoublePrecision.class)
class GradientCheckTest {

  private static NeuralNetConfiguration.Builder base() {
    return new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
        .updater(new NoOp()).convolutionMode(ConvolutionMode.Same);
  }

  private static boolean check(ComputationGraph g, INDArray[] in, INDArray[] labels) {
    return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g).inputs(in)
        .labels(labels).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
  }

  @Test
  void gaussianBottleneckAndKl() {
    int l = 3;
    ComputationGraphConfiguration conf = base().graphBuilder().addInputs("x", "eps")
        .setInputTypes(InputType.feedForward(5), InputType.feedForward(l))
        .addLayer("mu", new DenseLayer.Builder().nOut(l).activation(Activation.IDENTITY).build(), "x")
        .addLayer("logvar", new DenseLayer.Builder().nOut(l).activation(Activation.IDENTITY).build(), "x")
        .addVertex("post", new MergeVertex(), "mu", "logvar", "eps")
        .addLayer("z", new GaussianBottleneck(l), "post")
        .addVertex("zs", ChannelSlice.range(0, l), "z")
        .addVertex("stats", ChannelSlice.range(l, 2 * l), "z")
        .addLayer("dec", new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build(), "zs")
        .addLayer("recon", new MeanSquaredErrorLoss(), "dec")
        .addLayer("kl", new KlFreeBitsLoss(l, 0.05), "stats")
        .setOutputs("recon", "kl").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 5);
    INDArray eps = Nd4j.randn(DataType.DOUBLE, 4, l);
    assertTrue(check(g, new INDArray[] {x, eps},
        new INDArray[] {x, Nd4j.valueArrayOf(new long[] {4, 1}, 0.7, DataType.DOUBLE)}));
  }

  @Test
  void auxiliaryLoss() {
    ComputationGraphConfiguration conf = base().graphBuilder().addInputs("x")
        .setInputTypes(InputType.convolutional(3, 4, 2))
        .addLayer("enc", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "x")
        .addLayer("aux", new AuxiliaryLoss(), "enc")
        .setOutputs("aux").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 4);
    assertTrue(check(g, new INDArray[] {x}, new INDArray[] {Nd4j.zeros(DataType.DOUBLE, 2, 1)}));
  }

  @Test
  void bilinearUpsample() {
    ComputationGraphConfiguration conf = base().graphBuilder().addInputs("x")
        .setInputTypes(InputType.convolutional(3, 4, 2))
        .addLayer("up", new BilinearUpsample(2, 3, 4), "x")
        .addLayer("dec", new ConvolutionLayer.Builder(3, 3).nOut(1).activation(Activation.TANH).build(), "up")
        .addLayer("recon", new MeanSquaredErrorLoss(), "dec")
        .setOutputs("recon").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 4);
    assertTrue(check(g, new INDArray[] {x}, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 1, 6, 8)}));
  }
}
