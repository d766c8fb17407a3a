package org.melforge.model;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.model.layers.nd4j.OneDnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A tokenizer of any family: the DL4J training graph plus what the rest of the system needs to use
 * it without knowing its family. {@link #batch} builds the graph's inputs and labels for a step;
 * {@link #encode} gives the codes or latents of every bottleneck, {@link #decode} the
 * reconstruction from them, and {@link #lossParts} the named loss parts.
 */
public final class TokenizerModel {

  /** The graph seed of {@code train.seed = 0} ({@link #graphSeed}): the 64-bit golden ratio. */
  public static final long SEED_ZERO = 0x9E3779B97F4A7C15L;

  static {
    OneDnn.enable();
  }

  private final ModelSpec spec;
  private final ComputationGraph graph;
  private final Architecture architecture;
  private ComputationGraph decoder;

  private TokenizerModel(ModelSpec spec, ComputationGraph graph) {
    this.spec = spec;
    this.graph = graph;
    this.architecture = Architecture.of(spec);
  }

  /** A freshly initialised model trained with Adam at {@code learningRate}. */
  public static TokenizerModel create(ModelSpec spec, double learningRate, long seed) {
    ComputationGraph graph = new ComputationGraph(configuration(spec, learningRate, seed));
    graph.init();
    return new TokenizerModel(spec, graph);
  }

  /**
   * The model's layout without parameters (an uninitialised graph): names, bottlenecks and
   * {@link #batch} work, training and inference do not. Cheap, for executors that build batches
   * or measure metrics.
   */
  public static TokenizerModel layout(ModelSpec spec) {
    return new TokenizerModel(spec, new ComputationGraph(configuration(spec, 1e-3, 0)));
  }

  /** A model around an existing graph (e.g. restored from a checkpoint). */
  public static TokenizerModel wrap(ModelSpec spec, ComputationGraph graph) {
    return new TokenizerModel(spec, graph);
  }

  /**
   * The training graph configuration of {@code spec}, whose seed ({@link #graphSeed}) initialises
   * the parameters.
   */
  public static ComputationGraphConfiguration configuration(ModelSpec spec, double learningRate,
      long seed) {
    return Architecture.of(spec).training(base(new Adam(learningRate), graphSeed(seed)));
  }

  /**
   * The graph configuration's seed for {@code train.seed} {@code seed}: the seed itself, except
   * 0. DL4J seeds ND4J's random generator with it when a graph initialises its parameters, and
   * ND4J reads seed 0 as "no seed" (it then draws from the clock, so every run started with a
   * different model); 0 becomes {@link #SEED_ZERO}.
   */
  public static long graphSeed(long seed) {
    return seed == 0 ? SEED_ZERO : seed;
  }

  private static NeuralNetConfiguration.Builder base(Adam updater, long seed) {
    return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
        .updater(updater).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Truncate)
        .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
        .cacheMode(CacheMode.HOST);
  }

  public ModelSpec spec() {
    return spec;
  }

  public ComputationGraph graph() {
    return graph;
  }

  /** Names of the bottleneck layers, coarse level first. */
  public List<String> bottlenecks() {
    return architecture.bottlenecks();
  }

  /** The output layer of the reconstruction loss. */
  public String reconstructionOutput() {
    return Architecture.RECONSTRUCTION;
  }

  /** The vertex whose activation is the reconstruction (the input of the reconstruction loss). */
  public String reconstructionVertex() {
    return inputOf(reconstructionOutput());
  }

  /** The vertex feeding {@code vertex} (e.g. a bottleneck's encoder output). */
  public String inputOf(String vertex) {
    return graph.getConfiguration().getVertexInputs().get(vertex).get(0);
  }

  /** The bottleneck behind layer {@code name}. */
  public Bottleneck bottleneck(String name) {
    return (Bottleneck) ((LayerVertex) graph.getConfiguration().getVertices().get(name))
        .getLayerConf().getLayer();
  }

  /** Global steps done: the graph's iteration count. */
  public long iterations() {
    return graph.getConfiguration().getIterationCount();
  }

  /**
   * Inputs and labels for one training step on spectrograms {@code x} (B, 1, H, W): the VAE also
   * gets fresh noise and its beta for {@code globalStep} (as the labels of its KL output); VQ
   * models get placeholder labels for their auxiliary outputs.
   */
  public MultiDataSet batch(INDArray x, long globalStep, Random random) {
    return batch(x, x, globalStep, random);
  }

  /**
   * {@link #batch(INDArray, long, Random)} with another input than target: the graph's input is
   * {@code input} (e.g. masked by SpecAugment), the reconstruction's labels {@code target}, both
   * (B, 1, H, W); the noise is drawn as for {@code batch(target, ...)}.
   */
  public MultiDataSet batch(INDArray input, INDArray target, long globalStep, Random random) {
    return batch(input, target, globalStep, spec.family() == Family.TIMBRE_VAE
        ? Nd4j.createFromArray(gaussian(random, target.size(0) * spec.timbreVae().latentDim()))
            .reshape(target.size(0), spec.timbreVae().latentDim())
        : null);
  }

  /** The batch used for evaluation: no noise (z = mu), beta at {@code globalStep}. */
  public MultiDataSet evaluationBatch(INDArray x, long globalStep) {
    return batch(x, x, globalStep, spec.family() == Family.TIMBRE_VAE
        ? Nd4j.zeros(DataType.FLOAT, x.size(0), spec.timbreVae().latentDim()) : null);
  }

  private MultiDataSet batch(INDArray input, INDArray target, long globalStep, INDArray noise) {
    long b = target.size(0);
    if (noise != null) {
      double beta = spec.timbreVae().betaSchedule().beta(globalStep);
      return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {input, noise},
          new INDArray[] {target, Nd4j.valueArrayOf(new long[] {b, 1}, beta, DataType.FLOAT)});
    }
    INDArray[] labels = new INDArray[1 + architecture.auxiliaryOutputs().size()];
    labels[0] = target;
    for (int i = 1; i < labels.length; i++) {
      labels[i] = Nd4j.zeros(DataType.FLOAT, b, 1);
    }
    return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {input}, labels);
  }

  private static float[] gaussian(Random random, long n) {
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /**
   * Activations for a batch, inference mode, of the vertices callers read: the reconstruction
   * ({@link #reconstructionVertex}), every bottleneck and the input of each ({@link #inputOf}).
   * Only these leave DL4J's workspaces; the other vertices' activations stay in the reused
   * workspace memory instead of a fresh allocation each.
   */
  public Map<String, INDArray> activations(MultiDataSet batch) {
    List<String> names = activationVertices();
    INDArray[] out = graph.output(names, false, batch.getFeatures(), null);
    Map<String, INDArray> acts = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      acts.put(names.get(i), out[i]);
    }
    return acts;
  }

  private List<String> activationVertices() {
    Set<String> names = new LinkedHashSet<>();
    names.add(reconstructionVertex());
    for (String name : bottlenecks()) {
      names.add(name);
      names.add(inputOf(name));
    }
    return List.copyOf(names);
  }

  /** The named loss parts ({@link LossParts}) of spectrograms x, inference mode, beta at step. */
  public Map<String, Double> lossParts(INDArray x, long globalStep) {
    MultiDataSet batch = evaluationBatch(x, globalStep);
    return LossParts.measure(this, activations(batch), batch);
  }

  /** Codes (VQ: indices (B, h, w)) or latents (VAE: mu (B, L)) per bottleneck, for spectrograms x. */
  public Map<String, INDArray> encode(INDArray x) {
    return encode(activations(evaluationBatch(x, 0)));
  }

  /**
   * The codes or latents of {@link #encode(INDArray)} from the activations of an evaluation batch's
   * forward pass ({@link #activations}), for callers that need both without a second pass.
   */
  public Map<String, INDArray> encode(Map<String, INDArray> acts) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : bottlenecks()) {
      out.put(name, bottleneck(name).encode(graph.getLayer(name).paramTable(),
          acts.get(inputOf(name))));
    }
    return out;
  }

  /** Reconstructions (B, 1, H, W) from the codes or latents {@link #encode} returned. */
  public INDArray decode(Map<String, INDArray> codes) {
    ComputationGraph dec = decoder();
    INDArray[] inputs = new INDArray[bottlenecks().size()];
    for (int i = 0; i < inputs.length; i++) {
      String name = bottlenecks().get(i);
      inputs[i] = bottleneck(name).decode(graph.getLayer(name).paramTable(), codes.get(name));
    }
    return dec.output(inputs)[0];
  }

  /** Reconstructions of x through the whole graph (VAE: from the posterior mean). */
  public INDArray reconstruct(INDArray x) {
    return graph.output(evaluationBatch(x, 0).getFeatures())[0];
  }

  private ComputationGraph decoder() {
    if (decoder == null) {
      decoder = new ComputationGraph(architecture.decoder(base(new Adam(), 0)));
      decoder.init();
    }
    for (Layer layer : decoder.getLayers()) {
      Layer trained = graph.getLayer(layer.conf().getLayer().getLayerName());
      trained.paramTable().forEach((param, value) -> layer.getParam(param).assign(value));
    }
    return decoder;
  }
}
