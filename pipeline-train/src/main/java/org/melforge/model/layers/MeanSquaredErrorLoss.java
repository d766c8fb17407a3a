package org.melforge.model.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

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
}
