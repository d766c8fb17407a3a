package org.melforge.model.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An auxiliary loss already computed upstream, e.g. the per-position commitment loss a quantizer
 * emits as an extra channel: per example, the mean of the input over its elements. DL4J only
 * scores output layers, so auxiliary losses reach the total through a layer like this one. The
 * labels are ignored (DL4J requires them: feed any array with the minibatch as first dimension).
 */
public class AuxiliaryLoss extends LossLayer {

  @Override
  protected SDVariable defineLoss(SameDiff sd, SDVariable input, SDVariable labels) {
    return input.sum().div(perExampleSize(sd, input)).add(labels.sum().mul(0.0));
  }

  @Override
  public double sumLoss(INDArray input, INDArray labels) {
    return input.sumNumber().doubleValue() / perExampleSize(input);
  }

  @Override
  public void sumLossGradient(INDArray input, INDArray labels, INDArray out) {
    out.assign(1.0 / perExampleSize(input));
  }
}
