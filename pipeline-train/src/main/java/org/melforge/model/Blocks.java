package org.melforge.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.melforge.model.layers.Relu;
import org.melforge.model.layers.TransposedConv2D;
import org.nd4j.linalg.activations.Activation;

/**
 * The convolutional building blocks shared by the model families, with PyTorch semantics
 * ({@code Conv2d}/{@code ConvTranspose2d} with explicit padding, NCHW). Each method adds named
 * vertices to a graph and returns the name of its output.
 */
final class Blocks {

  private Blocks() {}

  /** Conv k x k, stride s, padding p, with an activation. */
  static String conv(GraphBuilder g, String name, String in, int nOut, int k, int s, int p,
      Activation act) {
    g.addLayer(name, new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).nOut(nOut)
        .activation(act).build(), in);
    return name;
  }

  /** ConvTranspose 4x4, stride 2, padding 1 (doubles height and width), with an activation. */
  static String upsample(GraphBuilder g, String name, String in, int nIn, int nOut,
      Activation act) {
    g.addLayer(name, TransposedConv2D.of(nIn, nOut, act), in);
    return name;
  }

  /** ReLU. */
  static String relu(GraphBuilder g, String name, String in) {
    g.addLayer(name, new Relu(), in);
    return name;
  }

  /**
   * {@code layers} residual blocks (x + Conv1x1(ReLU(Conv3x3(ReLU(x)))), convolutions without
   * bias) followed by a ReLU.
   */
  static String residualStack(GraphBuilder g, String prefix, String in, int channels, int layers,
      int hidden) {
    String x = in;
    for (int i = 0; i < layers; i++) {
      String p = prefix + "_" + i;
      relu(g, p + "_relu", x);
      g.addLayer(p + "_conv3", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(hidden)
          .hasBias(false).activation(Activation.RELU).build(), p + "_relu");
      g.addLayer(p + "_conv1", new ConvolutionLayer.Builder(1, 1).nOut(channels).hasBias(false)
          .activation(Activation.IDENTITY).build(), p + "_conv3");
      g.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, p + "_conv1");
      x = p + "_add";
    }
    return relu(g, prefix + "_out", x);
  }
}
