package org.melforge.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.melforge.bottleneck.BinarySphericalQuantizer;
import org.melforge.bottleneck.Bottleneck;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The named loss parts of one batch, computed from the activations of its forward pass (DL4J
 * cannot score SameDiff output layers separately): {@code recon} (MSE against the batch's
 * reconstruction labels, its first labels: the clean tensor, also when the input was masked by
 * SpecAugment), per quantizer
 * {@code <name>_loss}, per binary quantizer also {@code <name>_commitment} (mean {@code |u - q|^2},
 * unweighted), {@code <name>_h_sample} and {@code <name>_h_codebook} (the entropy terms, nats, the
 * latter of the batch), for the VAE {@code kl_raw} (sum over dimensions of the batch-mean KL),
 * {@code kl_free_bits} (the same with each dimension clamped below at the free bits) and
 * {@code beta}; and {@code total}, the training objective. {@link #perExample} gives the same parts
 * for each example of the batch.
 */
public final class LossParts {

  /** The suffixes of a binary quantizer's parts, in the order of its extra output channels. */
  static final List<String> BINARY_PARTS = List.of("_loss", "_commitment", "_h_sample",
      "_h_codebook");

  private LossParts() {}

  /** The names of {@link #perExample}'s parts for {@code model}, in its order. */
  public static List<String> perExampleNames(TokenizerModel model) {
    List<String> names = new ArrayList<>(List.of("recon"));
    for (String name : model.bottlenecks()) {
      switch (model.bottleneck(name).kind()) {
        case CODES -> names.add(name + "_loss");
        case BINARY -> BINARY_PARTS.forEach(part -> names.add(name + part));
        case GAUSSIAN -> names.add("kl");
        default -> throw new IllegalStateException("no loss parts for " + name);
      }
    }
    names.add("total");
    return names;
  }

  /** Loss parts of {@code batch} given the activations of its forward pass. */
  public static Map<String, Double> measure(TokenizerModel model, Map<String, INDArray> activations,
      MultiDataSet batch) {
    INDArray x = batch.getLabels(0);
    Map<String, Double> parts = new LinkedHashMap<>();
    double err = activations.get(model.reconstructionVertex()).sub(x).norm2Number().doubleValue();
    double total = err * err / x.length();
    parts.put("recon", total);
    for (String name : model.bottlenecks()) {
      INDArray act = activations.get(name);
      Bottleneck.Kind kind = model.bottleneck(name).kind();
      if (kind == Bottleneck.Kind.CODES) {
        double loss = lossChannel(act).meanNumber().doubleValue();
        parts.put(name + "_loss", loss);
        total += loss;
      } else if (kind == Bottleneck.Kind.BINARY) {
        for (int i = 0; i < BINARY_PARTS.size(); i++) {
          parts.put(name + BINARY_PARTS.get(i), binaryChannel(act, i).meanNumber().doubleValue());
        }
        total += parts.get(name + BINARY_PARTS.get(0));
      } else {
        double beta = batch.getLabels(1).getDouble(0);
        INDArray kl = klPerDimension(act);
        double freeBits = model.spec().timbreVae().freeBits();
        double free = Transforms.max(kl, freeBits).sumNumber().doubleValue();
        parts.put("kl_raw", kl.sumNumber().doubleValue());
        parts.put("kl_free_bits", free);
        parts.put("beta", beta);
        total += beta * free;
      }
    }
    parts.put("total", total);
    return parts;
  }

  /**
   * The loss parts of each example of {@code batch}, arrays of batch length: {@code recon} (the
   * example's MSE), per quantizer {@code <name>_loss} (mean over the example's positions), per
   * binary quantizer also its other parts (mean over the example's positions; {@code _h_codebook}
   * is the batch's, the same for every example), for the
   * VAE {@code kl} (the example's KL summed over dimensions) and {@code total}: recon, plus the
   * quantizer losses, plus beta times the example's KL with each dimension clamped below at the
   * free bits. The batch's {@link #measure} clamps the batch-mean KL instead, so its {@code total}
   * is not the mean of these.
   */
  public static Map<String, double[]> perExample(TokenizerModel model,
      Map<String, INDArray> activations, MultiDataSet batch) {
    INDArray x = batch.getLabels(0);
    long b = x.size(0);
    Map<String, double[]> parts = new LinkedHashMap<>();
    INDArray diff = activations.get(model.reconstructionVertex()).sub(x).reshape(b, -1);
    double[] recon = diff.mul(diff).mean(1).toDoubleVector();
    parts.put("recon", recon);
    double[] total = recon.clone();
    for (String name : model.bottlenecks()) {
      INDArray act = activations.get(name);
      double[] loss;
      Bottleneck.Kind kind = model.bottleneck(name).kind();
      if (kind == Bottleneck.Kind.CODES) {
        loss = lossChannel(act).reshape(b, -1).mean(1).toDoubleVector();
        parts.put(name + "_loss", loss);
      } else if (kind == Bottleneck.Kind.BINARY) {
        for (int i = 0; i < BINARY_PARTS.size(); i++) {
          parts.put(name + BINARY_PARTS.get(i),
              binaryChannel(act, i).reshape(b, -1).mean(1).toDoubleVector());
        }
        loss = parts.get(name + BINARY_PARTS.get(0));
      } else {
        INDArray kl = klPerExampleAndDimension(act);
        parts.put("kl", kl.sum(1).toDoubleVector());
        double beta = batch.getLabels(1).getDouble(0);
        loss = Transforms.max(kl, model.spec().timbreVae().freeBits()).sum(1).muli(beta)
            .toDoubleVector();
      }
      for (int i = 0; i < total.length; i++) {
        total[i] += loss[i];
      }
    }
    parts.put("total", total);
    return parts;
  }

  /**
   * A binary quantizer output's per-position part {@code index} of {@link #BINARY_PARTS}
   * (B, h, w), from its last {@link BinarySphericalQuantizer#EXTRA_CHANNELS} channels, in double
   * precision: a float mean over a batch's positions of the constant H_codebook channel was off by
   * 1e-4 relative.
   */
  static INDArray binaryChannel(INDArray bsqOutput, int index) {
    return bsqOutput.get(NDArrayIndex.all(), NDArrayIndex.point(bsqOutput.size(1)
        - BinarySphericalQuantizer.EXTRA_CHANNELS + index), NDArrayIndex.all(), NDArrayIndex.all())
        .castTo(DataType.DOUBLE);
  }

  /** A quantizer output's per-position loss channel (B, h, w). */
  static INDArray lossChannel(INDArray quantizerOutput) {
    return quantizerOutput.get(NDArrayIndex.all(), NDArrayIndex.point(quantizerOutput.size(1) - 2),
        NDArrayIndex.all(), NDArrayIndex.all());
  }

  /** A quantizer output's code-index channel (B, h, w). */
  public static INDArray codeChannel(INDArray quantizerOutput) {
    return quantizerOutput.get(NDArrayIndex.all(), NDArrayIndex.point(quantizerOutput.size(1) - 1),
        NDArrayIndex.all(), NDArrayIndex.all());
  }

  /** Posterior means (B, L) from a Gaussian bottleneck's output {@code [z, mu, logvar]}. */
  public static INDArray mu(INDArray gaussianOutput) {
    long l = gaussianOutput.size(1) / 3;
    return gaussianOutput.get(NDArrayIndex.all(), NDArrayIndex.interval(l, 2 * l));
  }

  /** Posterior log-variances (B, L) from a Gaussian bottleneck's output. */
  public static INDArray logvar(INDArray gaussianOutput) {
    long l = gaussianOutput.size(1) / 3;
    return gaussianOutput.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * l, 3 * l));
  }

  private static INDArray klPerDimension(INDArray gaussianOutput) {
    return klPerExampleAndDimension(gaussianOutput).mean(0);
  }

  private static INDArray klPerExampleAndDimension(INDArray gaussianOutput) {
    INDArray m = mu(gaussianOutput);
    INDArray lv = logvar(gaussianOutput);
    return lv.add(1.0).subi(m.mul(m)).subi(Transforms.exp(lv)).muli(-0.5);
  }
}
