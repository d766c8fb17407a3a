package org.melforge.model;

import static org.nd4j.linalg.activations.Activation.IDENTITY;
import static org.nd4j.linalg.activations.Activation.RELU;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.BilinearUpsample;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;

/**
 * AudDSR, the two-level VQ-VAE with Vitjan-style shallow blocks: the bottom encoder gives f1 at 1/4
 * resolution, the top encoder f2 at 1/8; the top quantizer codes f2; its codes, upsampled by a
 * transposed convolution and concatenated with f1, feed the bottom quantizer; the decoder reads the
 * bilinearly upsampled top codes concatenated with the bottom codes.
 */
final class AudDsr implements Architecture {

  static final String VQ_TOP = "vq_top";
  static final String VQ_BOTTOM = "vq_bottom";
  private final ModelSpec s;
  private final VqSpec vq;

  AudDsr(ModelSpec spec) {
    this.s = spec;
    this.vq = spec.vq();
  }

  @Override
  public ComputationGraphConfiguration training(NeuralNetConfiguration.Builder base) {
    GraphBuilder g = base.graphBuilder().addInputs("x")
        .setInputTypes(InputType.convolutional(s.nMels(), s.nFrames(), 1));
    int nh = vq.numHiddens();
    int d = vq.embeddingDim();
    String f1 = Blocks.conv(g, "enc_b_conv1", "x", nh / 2, 4, 2, 1, RELU);
    f1 = Blocks.conv(g, "enc_b_conv2", f1, nh, 4, 2, 1, RELU);
    f1 = Blocks.conv(g, "enc_b_conv3", f1, nh, 3, 1, 1, IDENTITY);
    f1 = Blocks.residualStack(g, "enc_b_res", f1, nh, vq.numResidualLayers(), vq.numResidualHiddens());
    String f2 = Blocks.conv(g, "enc_t_conv1", f1, nh, 4, 2, 1, RELU);
    f2 = Blocks.conv(g, "enc_t_conv2", f2, nh, 3, 1, 1, IDENTITY);
    f2 = Blocks.residualStack(g, "enc_t_res", f2, nh, vq.numResidualLayers(), vq.numResidualHiddens());
    Blocks.conv(g, "pre_vq_top", f2, d, 1, 1, 0, IDENTITY);
    String top = quantize(g, VQ_TOP, "pre_vq_top", s.nMels() / 8, s.nFrames() / 8);
    Blocks.upsample(g, "up_top", top, d, d, IDENTITY);
    g.addVertex("cat_bottom", new MergeVertex(), f1, "up_top");
    Blocks.conv(g, "pre_vq_bottom", "cat_bottom", d, 1, 1, 0, IDENTITY);
    String bottom = quantize(g, VQ_BOTTOM, "pre_vq_bottom", s.nMels() / 4, s.nFrames() / 4);
    g.addLayer(RECONSTRUCTION, new MeanSquaredErrorLoss(), decoder(g, top, bottom));
    return g.setOutputs(RECONSTRUCTION, VQ_TOP + "_loss", VQ_BOTTOM + "_loss").build();
  }

  private String quantize(GraphBuilder g, String name, String in, long h, long w) {
    g.addLayer(name, vq.quantizer(h, w), in);
    g.addVertex(name + "_q", ChannelSlice.range(0, vq.embeddingDim()), name);
    g.addVertex(name + "_map", ChannelSlice.range(vq.embeddingDim(), 1), name);
    g.addLayer(name + "_loss", new AuxiliaryLoss(), name + "_map");
    return name + "_q";
  }

  @Override
  public ComputationGraphConfiguration decoder(NeuralNetConfiguration.Builder base) {
    int d = vq.embeddingDim();
    GraphBuilder g = base.graphBuilder().addInputs(VQ_TOP, VQ_BOTTOM).setInputTypes(
        InputType.convolutional(s.nMels() / 8, s.nFrames() / 8, d),
        InputType.convolutional(s.nMels() / 4, s.nFrames() / 4, d));
    return g.setOutputs(decoder(g, VQ_TOP, VQ_BOTTOM)).build();
  }

  private String decoder(GraphBuilder g, String top, String bottom) {
    int nh = vq.numHiddens();
    g.addLayer("top_up", new BilinearUpsample(vq.embeddingDim(), s.nMels() / 8, s.nFrames() / 8), top);
    g.addVertex("cat_codes", new MergeVertex(), "top_up", bottom);
    String x = Blocks.conv(g, "dec_conv1", "cat_codes", nh, 3, 1, 1, IDENTITY);
    x = Blocks.residualStack(g, "dec_res", x, nh, vq.numResidualLayers(), vq.numResidualHiddens());
    x = Blocks.upsample(g, "dec_up1", x, nh, nh / 2, RELU);
    return Blocks.upsample(g, "dec_up2", x, nh / 2, 1, IDENTITY);
  }

  @Override
  public List<String> bottlenecks() {
    return List.of(VQ_TOP, VQ_BOTTOM);
  }

  @Override
  public List<String> auxiliaryOutputs() {
    return List.of(VQ_TOP + "_loss", VQ_BOTTOM + "_loss");
  }
}
