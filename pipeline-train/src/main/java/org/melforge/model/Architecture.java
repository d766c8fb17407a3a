package org.melforge.model;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

/**
 * The graph of one model family. The training graph takes the input spectrogram (and, for the VAE,
 * the reparameterisation noise) and has one output per loss part; the decoder graph rebuilds the
 * decoder alone, with the same layer names, from what the bottlenecks emit.
 */
interface Architecture {

  /** Output layer of the reconstruction in the training graph. */
  String RECONSTRUCTION = "recon";

  /** The training graph. */
  ComputationGraphConfiguration training(NeuralNetConfiguration.Builder base);

  /** The decoder alone; inputs named like {@link #bottlenecks()}, output the reconstruction. */
  ComputationGraphConfiguration decoder(NeuralNetConfiguration.Builder base);

  /** Names of the bottleneck layers, in graph order (coarse level first). */
  List<String> bottlenecks();

  /** Names of the auxiliary loss outputs, one per bottleneck. */
  List<String> auxiliaryOutputs();

  /** Build an architecture for a spec. */
  static Architecture of(ModelSpec spec) {
    return switch (spec.family()) {
      case TIMBRE_VAE -> new TimbreVae(spec);
      case VQVAE -> new VqVae(spec);
      case AUDDSR -> new AudDsr(spec);
      case BSQ_CNN -> new BsqCnn(spec);
    };
  }
}
