package org.melforge.bottleneck;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/** Quantizers in tiny double-precision training graphs whose input gradient a probe records. */
final class QuantizerGraphs {

  private QuantizerGraphs() {}

  /**
   * {@code x (d, h, w) -> GradientProbe -> quantizer name}, its channels {@code [0, d)} to an MSE
   * output {@code recon} and its channel {@code lossChannel} to an auxiliary loss {@code aux}.
   */
  static ComputationGraph probed(String name, Layer quantizer, IUpdater updater, long seed, long h,
      long w, int d, int lossChannel) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed)
        .dataType(DataType.DOUBLE).updater(updater)
        .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
        .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional(h, w, d))
        .addVertex("probe", new GradientProbe(), "x")
        .addLayer(name, quantizer, "probe")
        .addVertex("q", ChannelSlice.range(0, d), name)
        .addVertex("lossChannel", ChannelSlice.range(lossChannel, 1), name)
        .addLayer("recon", new MeanSquaredErrorLoss(), "q")
        .addLayer("aux", new AuxiliaryLoss(), "lossChannel")
        .setOutputs("recon", "aux").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    return g;
  }
}
