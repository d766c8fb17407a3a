package org.melforge.model;

import static org.nd4j.linalg.activations.Activation.IDENTITY;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.melforge.bottleneck.BinarySphericalQuantizer;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;

/**
 * BSQ-CNN: the encoder and decoder of {@link VqVae} with binary spherical quantization in place of
 * the codebook: encoder, 1x1 projection to L dimensions, {@link BinarySphericalQuantizer}, decoder
 * on the L channels of q. The quantizer's loss channel goes to an auxiliary loss output.
 */
final class BsqCnn implements Architecture {

  static final String BSQ = "bsq";
  private final ModelSpec s;
  private final BsqSpec bsq;

  /**
   * The projection's initial bias. Not zero: the encoder ends in a ReLU, and where all its
   * channels are zero a zero bias gives z = 0, whose normalisation z / ||z|| has no gradient
   * (NaN in the first step; seen with the tiny preset at batch 8 and 12).
   */
  static final double PROJECTION_BIAS = 0.01;

  BsqCnn(ModelSpec spec) {
    this.s = spec;
    this.bsq = spec.bsq();
  }

  @Override
  public ComputationGraphConfiguration training(NeuralNetConfiguration.Builder base) {
    GraphBuilder g = base.graphBuilder().addInputs("x")
        .setInputTypes(InputType.convolutional(s.nMels(), s.nFrames(), 1));
    String x = VqVae.encoder(g, "x", bsq.numHiddens(), bsq.numResidualLayers(),
        bsq.numResidualHiddens());
    g.addLayer("pre_bsq", new ConvolutionLayer.Builder(1, 1).nOut(bsq.bits()).activation(IDENTITY)
        .biasInit(PROJECTION_BIAS).build(), x);
    x = "pre_bsq";
    g.addLayer(BSQ, bsq.quantizer(s.nMels() / 4, s.nFrames() / 4), x);
    g.addVertex("bsq_q", ChannelSlice.range(0, bsq.bits()), BSQ);
    g.addVertex("bsq_map", ChannelSlice.range(2 * bsq.bits(), 1), BSQ);
    g.addLayer("bsq_loss", new AuxiliaryLoss(), "bsq_map");
    g.addLayer(RECONSTRUCTION, new MeanSquaredErrorLoss(), decoder(g, "bsq_q"));
    return g.setOutputs(RECONSTRUCTION, "bsq_loss").build();
  }

  @Override
  public ComputationGraphConfiguration decoder(NeuralNetConfiguration.Builder base) {
    GraphBuilder g = base.graphBuilder().addInputs(BSQ).setInputTypes(
        InputType.convolutional(s.nMels() / 4, s.nFrames() / 4, bsq.bits()));
    return g.setOutputs(decoder(g, BSQ)).build();
  }

  private String decoder(GraphBuilder g, String in) {
    return VqVae.decoder(g, in, bsq.numHiddens(), bsq.numResidualLayers(),
        bsq.numResidualHiddens());
  }

  @Override
  public List<String> bottlenecks() {
    return List.of(BSQ);
  }

  @Override
  public List<String> auxiliaryOutputs() {
    return List.of("bsq_loss");
  }
}
