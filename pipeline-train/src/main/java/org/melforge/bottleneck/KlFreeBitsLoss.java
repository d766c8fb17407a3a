package org.melforge.bottleneck;

import org.melforge.model.layers.LossLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The beta-weighted KL term with free bits, as an output layer. Input {@code (B, 2L)}:
 * {@code [mu, logvar]}; labels {@code (B, 1)}: the current beta in every row (the trainer fills
 * them from the {@link BetaSchedule} at the global step). Score:
 * <pre>
 *   beta * sum_d max(mean_b KL_bd, freeBits),   KL_bd = -0.5 (1 + logvar - mu^2 - exp(logvar))
 * </pre>
 * The gradient flows through the dimensions whose minibatch KL is at least the free bits (ties
 * included, as in SameDiff's {@code maximum}).
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

  @Override
  public double sumLoss(INDArray input, INDArray labels) {
    return Transforms.max(klSum(input), input.size(0) * freeBits).sumNumber().doubleValue()
        * labels.meanNumber().doubleValue();
  }

  @Override
  public void sumLossGradient(INDArray input, INDArray labels, INDArray out) {
    INDArray scale = klSum(input).gte(input.size(0) * freeBits).castTo(input.dataType())
        .muli(labels.meanNumber()).reshape(1, latentDim);
    out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentDim)).assign(half(input, 0))
        .muliRowVector(scale);
    out.get(NDArrayIndex.all(), NDArrayIndex.interval(latentDim, 2 * latentDim))
        .assign(Transforms.exp(half(input, 1))).subi(1.0).muli(0.5).muliRowVector(scale);
  }

  /** {@code mu} (part 0) or {@code logvar} (part 1) of an input. */
  private INDArray half(INDArray input, int part) {
    return input.get(NDArrayIndex.all(),
        NDArrayIndex.interval((long) part * latentDim, (long) (part + 1) * latentDim));
  }

  /** Per dimension the KL summed over the minibatch, {@code (L)}. */
  private INDArray klSum(INDArray input) {
    INDArray mu = half(input, 0);
    INDArray logvar = half(input, 1);
    return Transforms.exp(logvar).subi(logvar).subi(1.0).addi(mu.mul(mu)).muli(0.5).sum(0);
  }
}
