package org.melforge.model;

import static org.nd4j.linalg.activations.Activation.IDENTITY;
import static org.nd4j.linalg.activations.Activation.RELU;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;

/**
 * Single-level VQ-VAE: encoder (two 4x4 stride-2 convolutions, a 3x3 convolution, a residual
 * stack), 1x1 pre-quantizer convolution, vector quantizer, decoder (3x3 convolution, residual
 * stack, two 4x4 stride-2 transposed convolutions).
 */
final class VqVae implements Architecture {

  static final String VQ = "vq";
  private final ModelSpec s;
  private final VqSpec vq;

  VqVae(ModelSpec spec) {
    this.s = spec;
    this.vq = spec.vq();
  }

  @Override
  public ComputationGraphConfiguration training(NeuralNetConfiguration.Builder base) {
    GraphBuilder g = base.graphBuilder().addInputs("x")
        .setInputTypes(InputType.convolutional(s.nMels(), s.nFrames(), 1));
    String x = encoder(g, "x", vq.numHiddens(), vq.numResidualLayers(), vq.numResidualHiddens());
    x = Blocks.conv(g, "pre_vq", x, vq.embeddingDim(), 1, 1, 0, IDENTITY);
    g.addLayer(VQ, vq.quantizer(s.nMels() / 4, s.nFrames() / 4), x);
    g.addVertex("vq_q", ChannelSlice.range(0, vq.embeddingDim()), VQ);
    g.addVertex("vq_map", ChannelSlice.range(vq.embeddingDim(), 1), VQ);
    g.addLayer("vq_loss", new AuxiliaryLoss(), "vq_map");
    g.addLayer(RECONSTRUCTION, new MeanSquaredErrorLoss(), decoder(g, "vq_q"));
    return g.setOutputs(RECONSTRUCTION, "vq_loss").build();
  }

  @Override
  public ComputationGraphConfiguration decoder(NeuralNetConfiguration.Builder base) {
    GraphBuilder g = base.graphBuilder().addInputs(VQ).setInputTypes(
        InputType.convolutional(s.nMels() / 4, s.nFrames() / 4, vq.embeddingDim()));
    return g.setOutputs(decoder(g, VQ)).build();
  }

  private String decoder(GraphBuilder g, String in) {
    return decoder(g, in, vq.numHiddens(), vq.numResidualLayers(), vq.numResidualHiddens());
  }

  /**
   * The encoder (two 4x4 stride-2 convolutions, a 3x3 convolution, a residual stack) of {@code nh}
   * hidden channels from {@code in}; returns its output, a quarter of the input's height and width.
   */
  static String encoder(GraphBuilder g, String in, int nh, int residualLayers,
      int residualHiddens) {
    String x = Blocks.conv(g, "enc_conv1", in, nh / 2, 4, 2, 1, RELU);
    x = Blocks.conv(g, "enc_conv2", x, nh, 4, 2, 1, RELU);
    x = Blocks.conv(g, "enc_conv3", x, nh, 3, 1, 1, IDENTITY);
    return Blocks.residualStack(g, "enc_res", x, nh, residualLayers, residualHiddens);
  }

  /**
   * The decoder (3x3 convolution, residual stack, two 4x4 stride-2 transposed convolutions) from
   * {@code in} to one channel; returns its output.
   */
  static String decoder(GraphBuilder g, String in, int nh, int residualLayers,
      int residualHiddens) {
    String x = Blocks.conv(g, "dec_conv1", in, nh, 3, 1, 1, IDENTITY);
    x = Blocks.residualStack(g, "dec_res", x, nh, residualLayers, residualHiddens);
    x = Blocks.upsample(g, "dec_up1", x, nh, nh / 2, RELU);
    return Blocks.upsample(g, "dec_up2", x, nh / 2, 1, IDENTITY);
  }

  @Override
  public List<String> bottlenecks() {
    return List.of(VQ);
  }

  @Override
  public List<String> auxiliaryOutputs() {
    return List.of("vq_loss");
  }
}
