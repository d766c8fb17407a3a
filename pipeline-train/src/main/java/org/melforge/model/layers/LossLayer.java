package org.melforge.model.layers;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the parameter-free output layers that turn an activation into one named loss part.
 *
 * <p>DL4J's convention, which these layers follow: the SameDiff loss is the <em>sum over the
 * minibatch</em> of per-example losses; DL4J reports it divided by the minibatch size as the score
 * and divides the gradient by the minibatch size in the updater, so training sees the batch mean.
 * The layer's activation (what {@code output()} returns) is its input, unchanged.
 *
 * <p>Each loss is written twice: as a SameDiff graph ({@link #defineLoss}), the specification, and
 * with ND4J ops ({@link #sumLoss}, {@link #sumLossGradient}), which {@link LossLayerRuntime} runs in
 * training; tests hold the two equal.
 */
public abstract class LossLayer extends SameDiffOutputLayer {

  private static final String ACTIVATIONS = "activations";

  /** The per-minibatch sum of this loss (see the class comment). */
  protected abstract SDVariable defineLoss(SameDiff sd, SDVariable input, SDVariable labels);

  /** The per-minibatch sum of this loss, the value of {@link #defineLoss}, with ND4J ops. */
  public abstract double sumLoss(INDArray input, INDArray labels);

  /**
   * Writes the gradient of {@link #sumLoss} with respect to {@code input} into {@code out} (the
   * shape of {@code input}).
   */
  public abstract void sumLossGradient(INDArray input, INDArray labels, INDArray out);

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
    return LayerRuntimes.wire(new LossLayerRuntime(conf, dataType), this, conf, listeners,
        layerIndex, paramsView, initializeParams);
  }

  /** Elements per example of {@code x}: all its elements over the minibatch size. */
  protected static double perExampleSize(INDArray x) {
    return (double) x.length() / x.size(0);
  }

  @Override
  public final SDVariable defineLayer(SameDiff sd, SDVariable input, SDVariable labels,
      Map<String, SDVariable> params) {
    sd.identity(ACTIVATIONS, input);
    SDVariable loss = defineLoss(sd, input, labels);
    loss.markAsLoss();
    return loss;
  }

  @Override
  public final String activationsVertexName() {
    return ACTIVATIONS;
  }

  @Override
  public void defineParameters(SDLayerParams params) {}

  @Override
  public void initializeParameters(Map<String, INDArray> params) {}

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return inputType;
  }

  /**
   * Elements per example of a rank >= 2 variable, as a scalar of its data type: all elements over
   * the minibatch size (dimension 0 of any rank, not the elements of one column, which is the
   * minibatch size only for rank 2).
   */
  protected static SDVariable perExampleSize(SameDiff sd, SDVariable x) {
    SDVariable all = sd.onesLike(x).sum();
    SDVariable batch = sd.sizeAt(x, 0).castTo(x.dataType());
    return all.div(batch);
  }
}
