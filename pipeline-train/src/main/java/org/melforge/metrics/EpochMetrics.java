package org.melforge.metrics;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.melforge.bottleneck.BinarySphericalQuantizer;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.bottleneck.Codebooks;
import org.melforge.model.LossParts;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Loss parts and bottleneck statistics of one epoch on one split, accumulated batch by batch from
 * the activations of the batch's forward pass. Loss parts are averaged over examples; code usage
 * is counted over the whole epoch, so perplexity is that of the merged counts.
 *
 * <p>Names: {@code recon}, {@code total}; per quantizer {@code <name>_loss},
 * {@code <name>_perplexity}, {@code <name>_usage} (fraction of codes used), {@code <name>_dead}
 * (codes never used); per binary quantizer its loss parts ({@code LossParts}), the same code
 * usage over its 2^L codes plus {@code <name>_codes_used} (distinct codes), {@code <name>_bit_<i>}
 * (fraction of positions whose bit i, 0 the most significant, is +1) and
 * {@code <name>_h_codebook_epoch} (the codebook entropy of the mean soft assignment of all the
 * epoch's positions, where {@code <name>_h_codebook} averages the batches' values); for the VAE {@code kl_raw}, {@code kl_free_bits}, {@code beta},
 * {@code mu_mean}, {@code mu_std}, {@code logvar_mean}, {@code logvar_std},
 * {@code latent_pairwise_distance} (mean Euclidean distance between the posterior means of two
 * examples of a batch).
 *
 * <p>Metrics of several workers {@link #merge} into those of all their batches; the model is only
 * needed to {@link #add} batches, so merged copies travel between executors and the driver.
 */
public final class EpochMetrics implements Serializable {

  private static final long serialVersionUID = 1L;

  private final transient TokenizerModel model;
  private final Map<String, double[]> sums = new LinkedHashMap<>();
  private final Map<String, CodeCounts> codeCounts = new LinkedHashMap<>();
  private final Map<String, BitUsage> bitUsage = new LinkedHashMap<>();
  private final double[] mu = new double[3];
  private final double[] logvar = new double[3];
  private double pairDistanceSum;
  private long pairs;
  private long examples;

  public EpochMetrics(TokenizerModel model) {
    this.model = model;
  }

  /** Adds one batch, given the activations of its forward pass and the batch itself. */
  public synchronized void add(Map<String, INDArray> activations, MultiDataSet batch) {
    long b = batch.getFeatures(0).size(0);
    examples += b;
    LossParts.measure(model, activations, batch)
        .forEach((k, v) -> sums.computeIfAbsent(k, key -> new double[1])[0] += v * b);
    for (String name : model.bottlenecks()) {
      INDArray act = activations.get(name);
      switch (model.bottleneck(name).kind()) {
        case CODES -> countCodes(name, LossParts.codeChannel(act).castTo(DataType.LONG).dup('c')
            .reshape(-1).toLongVector());
        case BINARY -> countBits(name, act);
        case GAUSSIAN -> {
          moments(mu, LossParts.mu(act));
          moments(logvar, LossParts.logvar(act));
          pairwiseDistances(LossParts.mu(act));
        }
      }
    }
  }

  private void countCodes(String name, long[] codes) {
    CodeCounts counts = codeCounts.computeIfAbsent(name, k -> model.bottleneck(k).kind()
        == Bottleneck.Kind.BINARY ? CodeCounts.sparse(model.bottleneck(k).codebookSize())
        : new CodeCounts(model.bottleneck(k).codebookSize()));
    for (long i : codes) {
      counts.add(i);
    }
  }

  private void countBits(String name, INDArray act) {
    BinarySphericalQuantizer bsq = (BinarySphericalQuantizer) model.bottleneck(name);
    int l = bsq.bits();
    INDArray rows = Codebooks.rows(act);
    long[] codes = bsq.codes(rows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, l)))
        .toLongVector();
    countCodes(name, codes);
    bitUsage.computeIfAbsent(name, k -> new BitUsage(l, bsq.effectiveGroupSize()))
        .add(codes, bsq.assignment(rows.get(NDArrayIndex.all(), NDArrayIndex.interval(l, 2 * l))));
  }

  private static void moments(double[] acc, INDArray v) {
    acc[0] += v.length();
    acc[1] += v.sumNumber().doubleValue();
    acc[2] += v.mul(v).sumNumber().doubleValue();
  }

  private void pairwiseDistances(INDArray m) {
    long b = m.rows();
    for (long i = 0; i < b; i++) {
      for (long j = i + 1; j < b; j++) {
        pairDistanceSum += m.getRow(i).distance2(m.getRow(j));
        pairs++;
      }
    }
  }

  /** Adds the batches of {@code other} (e.g. another worker's) to these. */
  public synchronized void merge(EpochMetrics other) {
    examples += other.examples;
    other.sums.forEach((k, v) -> sums.computeIfAbsent(k, key -> new double[1])[0] += v[0]);
    other.codeCounts.forEach((k, v) -> codeCounts.computeIfAbsent(k, key -> v.empty()).merge(v));
    other.bitUsage.forEach((k, v) -> bitUsage.computeIfAbsent(k, key -> v.empty()).merge(v));
    for (int i = 0; i < 3; i++) {
      mu[i] += other.mu[i];
      logvar[i] += other.logvar[i];
    }
    pairDistanceSum += other.pairDistanceSum;
    pairs += other.pairs;
  }

  /** Examples seen. */
  public long examples() {
    return examples;
  }

  /** The epoch's metrics by name (see the class comment). */
  public synchronized Map<String, Double> summary() {
    Map<String, Double> out = new LinkedHashMap<>();
    sums.forEach((k, v) -> out.put(k, examples == 0 ? Double.NaN : v[0] / examples));
    codeCounts.forEach((name, counts) -> {
      CodeUsage usage = counts.usage();
      out.put(name + "_perplexity", usage.perplexity());
      out.put(name + "_usage", usage.usedFraction());
      out.put(name + "_dead", (double) usage.dead());
    });
    bitUsage.forEach((name, bitsUsed) -> {
      CodeCounts counts = codeCounts.get(name);
      out.put(name + "_codes_used", (double) (counts.size() - counts.usage().dead()));
      for (int i = 0; i < bitsUsed.bits(); i++) {
        out.put(name + "_bit_" + i, bitsUsed.plusFraction(i));
      }
      out.put(name + "_h_codebook_epoch", bitsUsed.codebookEntropy());
    });
    if (mu[0] > 0) {
      out.put("mu_mean", mu[1] / mu[0]);
      out.put("mu_std", std(mu));
      out.put("logvar_mean", logvar[1] / logvar[0]);
      out.put("logvar_std", std(logvar));
      out.put("latent_pairwise_distance", pairs == 0 ? Double.NaN : pairDistanceSum / pairs);
    }
    return out;
  }

  private static double std(double[] acc) {
    double mean = acc[1] / acc[0];
    return Math.sqrt(Math.max(acc[2] / acc[0] - mean * mean, 0));
  }
}
