package org.melforge.eval.codes;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.melforge.bottleneck.BinarySphericalQuantizer;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.model.LossParts;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The statistics of every bottleneck level of a model over a split, by layer name, coarse level
 * first: {@link CodeLevel} for quantizers, {@link BinaryLevel} for binary quantizers,
 * {@link GaussianLevel} for Gaussian posteriors. Built per
 * partition from the activations of each batch and merged exactly ({@link #merge}).
 */
public final class LevelStatistics implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, CodeLevel> codes = new LinkedHashMap<>();
  private final Map<String, BinaryLevel> binaries = new LinkedHashMap<>();
  private final Map<String, GaussianLevel> gaussians = new LinkedHashMap<>();
  private final List<String> order;

  /** Empty statistics of {@code model}'s levels. */
  public LevelStatistics(TokenizerModel model) {
    this.order = List.copyOf(model.bottlenecks());
    for (String name : order) {
      Bottleneck b = model.bottleneck(name);
      if (b.kind() == Bottleneck.Kind.CODES) {
        codes.put(name, new CodeLevel(name, b.codebookSize()));
      } else if (b instanceof BinarySphericalQuantizer bsq) {
        binaries.put(name, new BinaryLevel(name, bsq.bits(), bsq.groupSize()));
      }
    }
  }

  /** Adds a batch, given the activations of its forward pass through {@code model}. */
  public void add(TokenizerModel model, Map<String, INDArray> activations) {
    for (String name : order) {
      INDArray act = activations.get(name);
      if (codes.containsKey(name)) {
        codes.get(name).add(LossParts.codeChannel(act));
      } else if (binaries.containsKey(name)) {
        binaries.get(name).add(model.encode(activations).get(name));
      } else {
        INDArray mu = LossParts.mu(act);
        gaussians.computeIfAbsent(name, n -> new GaussianLevel(n, (int) mu.size(1)))
            .add(mu, LossParts.logvar(act));
      }
    }
  }

  /** Adds {@code other}'s statistics (same model). */
  public LevelStatistics merge(LevelStatistics other) {
    if (!other.order.equals(order)) {
      throw new IllegalArgumentException("cannot merge statistics of levels " + other.order
          + " into " + order);
    }
    other.codes.forEach((name, level) -> codes.get(name).merge(level));
    other.binaries.forEach((name, level) -> binaries.get(name).merge(level));
    other.gaussians.forEach((name, level) -> gaussians.merge(name, level, GaussianLevel::merge));
    return this;
  }

  /** Level names, coarse first. */
  public List<String> levels() {
    return order;
  }

  /** The quantizer level {@code name}, or null when it is not a quantizer. */
  public CodeLevel codes(String name) {
    return codes.get(name);
  }

  /** The binary level {@code name}, or null when it is not a binary quantizer. */
  public BinaryLevel binary(String name) {
    return binaries.get(name);
  }

  /** The Gaussian level {@code name}, or null when it is not one or saw no example. */
  public GaussianLevel gaussian(String name) {
    return gaussians.get(name);
  }

  /**
   * Every level's summary as JSON-ready values, by level name.
   *
   * @param secondsPerExample audio seconds one example covers
   */
  public Map<String, Object> toJson(double secondsPerExample) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : order) {
      if (codes.containsKey(name)) {
        out.put(name, codes.get(name).summary(secondsPerExample).toJson());
      } else if (binaries.containsKey(name)) {
        out.put(name, binaries.get(name).toJson(secondsPerExample));
      } else if (gaussians.containsKey(name)) {
        out.put(name, gaussians.get(name).summary().toJson());
      }
    }
    return out;
  }
}
