package org.melforge.bottleneck;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.melforge.model.layers.LayerRuntimes;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Gaussian posterior with the reparameterisation trick, {@code z = mu + eps * exp(0.5 logvar)}.
 *
 * <p>Input {@code (B, 3L)}: {@code [mu, logvar, eps]}. The noise {@code eps ~ N(0, I)} is a graph
 * input drawn by the trainer for every step (zeros at inference, so {@code z = mu}): SameDiff
 * recomputes the forward pass during backpropagation, and noise drawn inside the layer would then
 * differ between the two passes. Output {@code (B, 3L)}: {@code [z, mu, logvar]}; the model routes
 * z to the decoder and {@code [mu, logvar]} to a {@link KlFreeBitsLoss} output. The SameDiff
 * definition is the specification; training runs {@link GaussianBottleneckLayer}, its ND4J form.
 */
public class GaussianBottleneck extends SameDiffLambdaLayer implements Bottleneck {

  @JsonProperty private int latentDim;

  /** For JSON. */
  public GaussianBottleneck() {}

  public GaussianBottleneck(int latentDim) {
    this.latentDim = latentDim;
  }

  public int latentDim() {
    return latentDim;
  }

  @Override
  public SDVariable defineLayer(SameDiff sd, SDVariable input) {
    SDVariable mu = input.get(SDIndex.all(), SDIndex.interval(0, latentDim));
    SDVariable logvar = input.get(SDIndex.all(), SDIndex.interval(latentDim, 2 * latentDim));
    SDVariable eps = input.get(SDIndex.all(), SDIndex.interval(2 * latentDim, 3 * latentDim));
    SDVariable z = mu.add(eps.mul(sd.math.exp(logvar.mul(0.5))));
    return sd.concat(1, z, mu, logvar);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.feedForward(3L * latentDim);
  }

  @Override
  public Kind kind() {
    return Kind.LATENTS;
  }

  @Override
  public int codebookSize() {
    return 0;
  }

  /** The posterior mean of an input {@code [mu, logvar, eps]} (or {@code [mu, logvar]}). */
  @Override
  public INDArray encode(Map<String, INDArray> params, INDArray input) {
    return input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentDim)).dup();
  }

  @Override
  public INDArray decode(Map<String, INDArray> params, INDArray codes) {
    return codes;
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
      boolean initializeParams, DataType dataType) {
    return LayerRuntimes.wire(new GaussianBottleneckLayer(conf, dataType), this, conf,
        listeners, layerIndex, paramsView, initializeParams);
  }
}
