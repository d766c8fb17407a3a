package org.melforge.model;

import static org.nd4j.linalg.activations.Activation.IDENTITY;
import static org.nd4j.linalg.activations.Activation.RELU;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.melforge.bottleneck.GaussianBottleneck;
import org.melforge.bottleneck.KlFreeBitsLoss;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;

/**
 * Timbre beta-VAE: three 3x3 stride-2 convolutions, {@code fc_mu}/{@code fc_logvar}, the Gaussian
 * bottleneck (noise as a second graph input {@code eps}), {@code fc_dec}, three 4x4 stride-2
 * transposed convolutions with a linear output.
 */
final class TimbreVae implements Architecture {

  static final String LATENT = "latent";
  static final String NOISE = "eps";
  private final ModelSpec s;
  private final TimbreVaeSpec vae;

  TimbreVae(ModelSpec spec) {
    this.s = spec;
    this.vae = spec.timbreVae();
  }

  @Override
  public ComputationGraphConfiguration training(NeuralNetConfiguration.Builder base) {
    int l = vae.latentDim();
    GraphBuilder g = base.graphBuilder().addInputs("x", NOISE).setInputTypes(
        InputType.convolutional(s.nMels(), s.nFrames(), 1), InputType.feedForward(l));
    List<Integer> ch = vae.encoderChannels();
    String x = Blocks.conv(g, "enc_conv1", "x", ch.get(0), 3, 2, 1, RELU);
    x = Blocks.conv(g, "enc_conv2", x, ch.get(1), 3, 2, 1, RELU);
    x = Blocks.conv(g, "enc_conv3", x, ch.get(2), 3, 2, 1, RELU);
    g.addLayer("fc_mu", new DenseLayer.Builder().nOut(l).activation(IDENTITY).build(), x);
    g.addLayer("fc_logvar", new DenseLayer.Builder().nOut(l).activation(IDENTITY).build(), x);
    g.addVertex("posterior", new MergeVertex(), "fc_mu", "fc_logvar", NOISE);
    g.addLayer(LATENT, new GaussianBottleneck(l), "posterior");
    g.addVertex("z", ChannelSlice.range(0, l), LATENT);
    g.addVertex("mu_logvar", ChannelSlice.range(l, 2 * l), LATENT);
    g.addLayer("kl", new KlFreeBitsLoss(l, vae.freeBits()), "mu_logvar");
    g.addLayer(RECONSTRUCTION, new MeanSquaredErrorLoss(), decoder(g, "z"));
    return g.setOutputs(RECONSTRUCTION, "kl").build();
  }

  @Override
  public ComputationGraphConfiguration decoder(NeuralNetConfiguration.Builder base) {
    GraphBuilder g = base.graphBuilder().addInputs(LATENT)
        .setInputTypes(InputType.feedForward(vae.latentDim()));
    return g.setOutputs(decoder(g, LATENT)).build();
  }

  private String decoder(GraphBuilder g, String z) {
    List<Integer> ch = vae.encoderChannels();
    int h = s.nMels() / 8;
    int w = s.nFrames() / 8;
    g.addLayer("fc_dec", new DenseLayer.Builder().nOut((long) ch.get(2) * h * w)
        .activation(IDENTITY).build(), z);
    g.inputPreProcessor("dec_up1", new FeedForwardToCnnPreProcessor(h, w, ch.get(2)));
    String x = Blocks.upsample(g, "dec_up1", "fc_dec", ch.get(2), ch.get(1), RELU);
    x = Blocks.upsample(g, "dec_up2", x, ch.get(1), ch.get(0), RELU);
    return Blocks.upsample(g, "dec_up3", x, ch.get(0), 1, IDENTITY);
  }

  @Override
  public List<String> bottlenecks() {
    return List.of(LATENT);
  }

  @Override
  public List<String> auxiliaryOutputs() {
    return List.of("kl");
  }
}
