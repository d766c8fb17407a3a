package org.melforge.model.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reconstruction loss: per example the mean of {@code (prediction - label)^2} over all its
 * elements, so the score equals PyTorch's {@code F.mse_loss(prediction, label)}.
 */
public class MeanSquaredErrorLoss extends LossLayer {

  @Override
  protected SDVariable defineLoss(SameDiff sd, SDVariable input, SDVariable labels) {
    SDVariable sq = input.sub(labels).pow(2.0);
    return sq.sum().div(perExampleSize(sd, input));
  }

  @Override
  public double sumLoss(INDArray input, INDArray labels) {
    return input.squaredDistance(labels) / perExampleSize(input);
  }

  @Override
  public void sumLossGradient(INDArray input, INDArray labels, INDArray out) {
    out.assign(input).subi(labels).muli(2.0 / perExampleSize(input));
  }
}
