package org.melforge.bottleneck;

import org.melforge.model.layers.LossLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The beta-weighted KL term with free bits, as an output layer. Input {@code (B, 2L)}:
 * {@code [mu, logvar]}; labels {@code (B, 1)}: the current beta in every row (the trainer fills
 * them from the {@link BetaSchedule} at the global step). Score:
 * <pre>
 *   beta * sum_d max(mean_b KL_bd, freeBits),   KL_bd = -0.5 (1 + logvar - mu^2 - exp(logvar))
 * </pre>
 */
public class KlFreeBitsLoss extends LossLayer {

  @JsonProperty private int latentDim;
  @JsonProperty private double freeBits;

  /** For JSON. */
  public KlFreeBitsLoss() {}

  public KlFreeBitsLoss(int latentDim, double freeBits) {
    this.latentDim = latentDim;
    this.freeBits = freeBits;
  }

  @Override
  protected SDVariable defineLoss(SameDiff sd, SDVariable input, SDVariable labels) {
    SDVariable mu = input.get(SDIndex.all(), SDIndex.interval(0, latentDim));
    SDVariable logvar = input.get(SDIndex.all(), SDIndex.interval(latentDim, 2 * latentDim));
    SDVariable kl = logvar.add(1.0).sub(mu.pow(2.0)).sub(sd.math.exp(logvar)).mul(-0.5);
    SDVariable batch = sd.onesLike(labels).sum();
    SDVariable klSum = kl.sum(0);
    SDVariable clamped = sd.math.max(klSum, sd.onesLike(klSum).mul(batch.mul(freeBits)));
    return clamped.sum().mul(labels.mean());
  }
}
