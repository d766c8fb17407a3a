package org.melforge.bottleneck;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.melforge.model.layers.LayerRuntimes;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Vector quantizer (VQ-VAE) as a SameDiff layer on NCHW input {@code (B, D, h, w)}: each position's
 * D-vector z is replaced by its nearest code e (squared distance) with the straight-through
 * estimator {@code z + sg(e - z)}.
 *
 * <p>Output {@code (B, D + 2, h, w)}: channels {@code [0, D)} the quantized vectors, channel
 * {@code D} the per-position loss {@code (commitment * |z - sg(e)|^2 + |sg(z) - e|^2) / D} (the
 * second term only in {@link Update#LOSS} mode), channel {@code D + 1} the code index. The model
 * routes the first to the decoder and the loss channel to an {@code AuxiliaryLoss} output.
 *
 * <p>Parameters: {@code codebook} (K, D), and in {@link Update#EMA} mode the EMA state
 * {@code emaClusterSize} (1, K) and {@code emaEmbedSum} (K, D). In EMA mode none of them is
 * trained by gradients (their updater is {@link NoOp}); {@link VectorQuantizerLayer} updates them
 * after each training step with {@link EmaCodebook}. Keeping the state in the parameter vector means
 * it is saved, restored and broadcast with the model.
 */
public class VectorQuantizer extends SameDiffLayer implements Bottleneck {

  /** How the codebook learns. */
  public enum Update {
    /** Codebook loss {@code |sg(z) - e|^2}, trained by the model's updater. */
    LOSS,
    /** Exponential moving averages of assigned encoder outputs (no codebook gradient). */
    EMA
  }

  public static final String CODEBOOK = "codebook";
  // Parameter names must not contain '_': DL4J's updater splits gradient keys "layer_param" at
  // the last '_' to find the layer (a name like "ema_cluster_size" made every EMA fit step fail).
  public static final String CLUSTER_SIZE = "emaClusterSize";
  public static final String EMBED_SUM = "emaEmbedSum";

  @JsonProperty private int numEmbeddings;
  @JsonProperty private int embeddingDim;
  @JsonProperty private double commitmentCost;
  @JsonProperty private Update update;
  @JsonProperty private double decay;
  @JsonProperty private double epsilon;
  @JsonProperty private double deadCodeThreshold;
  @JsonProperty private long height;
  @JsonProperty private long width;

  /** For JSON. */
  public VectorQuantizer() {}

  /**
   * A quantizer of {@code numEmbeddings} codes of size {@code embeddingDim} for inputs of spatial
   * size {@code height x width}. EMA settings are ignored in {@link Update#LOSS} mode.
   */
  public VectorQuantizer(int numEmbeddings, int embeddingDim, double commitmentCost, Update update,
      double decay, double epsilon, double deadCodeThreshold, long height, long width) {
    Preconditions.checkArgument(numEmbeddings > 0, "numEmbeddings must be > 0: %s", numEmbeddings);
    Preconditions.checkArgument(embeddingDim > 0, "embeddingDim must be > 0: %s", embeddingDim);
    Preconditions.checkArgument(commitmentCost >= 0, "commitmentCost must be >= 0: %s", commitmentCost);
    Preconditions.checkArgument(decay >= 0 && decay <= 1, "decay must be in [0, 1]: %s", decay);
    Preconditions.checkArgument(epsilon >= 0, "epsilon must be >= 0: %s", epsilon);
    Preconditions.checkArgument(deadCodeThreshold >= 0, "deadCodeThreshold must be >= 0: %s",
        deadCodeThreshold);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.commitmentCost = commitmentCost;
    this.update = update;
    this.decay = decay;
    this.epsilon = epsilon;
    this.deadCodeThreshold = deadCodeThreshold;
    this.height = height;
    this.width = width;
  }

  public int numEmbeddings() {
    return numEmbeddings;
  }

  public int embeddingDim() {
    return embeddingDim;
  }

  public double commitmentCost() {
    return commitmentCost;
  }

  public Update update() {
    return update;
  }

  /** The EMA rule of this quantizer (meaningful in {@link Update#EMA} mode). */
  public EmaCodebook ema() {
    return new EmaCodebook(decay, epsilon, deadCodeThreshold);
  }

  @Override
  public Kind kind() {
    return Kind.CODES;
  }

  @Override
  public int codebookSize() {
    return numEmbeddings;
  }

  @Override
  public INDArray encode(Map<String, INDArray> params, INDArray input) {
    long[] idx = Codebooks.nearest(Codebooks.rows(input), params.get(CODEBOOK));
    return Nd4j.createFromArray(idx).castTo(DataType.FLOAT).reshape(input.size(0), input.size(2),
        input.size(3));
  }

  @Override
  public INDArray decode(Map<String, INDArray> params, INDArray codes) {
    long[] idx = codes.castTo(DataType.LONG).reshape(-1).toLongVector();
    INDArray rows = Codebooks.lookup(params.get(CODEBOOK), idx);
    return Codebooks.nchw(rows, codes.size(0), codes.size(1), codes.size(2));
  }

  @Override
  public void defineParameters(SDLayerParams params) {
    params.clear();
    params.addWeightParam(CODEBOOK, numEmbeddings, embeddingDim);
    if (update == Update.EMA) {
      params.addWeightParam(CLUSTER_SIZE, 1, numEmbeddings);
      params.addWeightParam(EMBED_SUM, numEmbeddings, embeddingDim);
    }
  }

  @Override
  public void initializeParameters(Map<String, INDArray> params) {
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray codebook = params.get(CODEBOOK);
      if (update == Update.LOSS) {
        codebook.assign(Nd4j.rand(codebook.dataType(), codebook.shape()).muli(2.0 / numEmbeddings)
            .subi(1.0 / numEmbeddings));
      } else {
        codebook.assign(Nd4j.randn(codebook.dataType(), codebook.shape()));
        params.get(CLUSTER_SIZE).assign(1.0);
        params.get(EMBED_SUM).assign(codebook);
      }
    }
  }

  @Override
  public IUpdater getUpdaterByParam(String paramName) {
    return update == Update.EMA ? new NoOp() : super.getUpdaterByParam(paramName);
  }

  @Override
  public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params,
      SDVariable mask) {
    SDVariable e = params.get(CODEBOOK);
    SDVariable z = input.permute(0, 2, 3, 1).reshape(-1, embeddingDim);
    SDVariable distances = z.pow(2.0).sum(true, 1)
        .sub(sd.mmul(z, e, false, true, false).mul(2.0))
        .add(e.pow(2.0).sum(1).reshape(1, numEmbeddings));
    SDVariable index = sd.argmin(distances, 1);
    SDVariable q = sd.oneHot(index, numEmbeddings, -1, 1.0, 0.0, input.dataType()).mmul(e);
    SDVariable straightThrough = z.add(stopGradient(sd, q.sub(z)));
    SDVariable loss = z.sub(stopGradient(sd, q)).pow(2.0).sum(true, 1).mul(commitmentCost);
    if (update == Update.LOSS) {
      loss = loss.add(stopGradient(sd, z).sub(q).pow(2.0).sum(true, 1));
    } else {
      loss = loss.add(params.get(CLUSTER_SIZE).sum().add(params.get(EMBED_SUM).sum()).mul(0.0));
    }
    loss = loss.div(embeddingDim);
    SDVariable out = sd.concat(1, straightThrough, loss, index.castTo(input.dataType()).reshape(-1, 1));
    return out.reshape(-1, height, width, embeddingDim + 2).permute(0, 3, 1, 2);
  }

  private static SDVariable stopGradient(SameDiff sd, SDVariable x) {
    return new StopGradient(sd, x).outputVariable();
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.convolutional(height, width, embeddingDim + 2);
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
    Preconditions.checkArgument(c.getChannels() == embeddingDim,
        "quantizer input has %s channels, expected embeddingDim %s", c.getChannels(), embeddingDim);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
    return LayerRuntimes.wire(new VectorQuantizerLayer(conf, dataType), this, conf,
        listeners, layerIndex, paramsView, initializeParams);
  }
}
