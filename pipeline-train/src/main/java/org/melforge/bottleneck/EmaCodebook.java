package org.melforge.bottleneck;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The EMA codebook update (van den Oord et al., appendix; Laplace-smoothed cluster sizes) and
 * dead-code revival, applied in place to a quantizer's state arrays.
 *
 * <pre>
 *   N_k = decay N_k + (1 - decay) n_k          m_k = decay m_k + (1 - decay) s_k
 *   n   = sum_k N_k                            N'_k = (N_k + eps) / (n + K eps) * n
 *   e_k = m_k / N'_k
 * </pre>
 * Then every code with {@code N_k < threshold} is revived: {@code e_k} becomes a randomly chosen
 * encoder output of the batch, {@code N_k = threshold} and {@code m_k = e_k * threshold}, so the code
 * keeps its new value until its usage is measured again. Cluster sizes start at 1: with a
 * threshold of 2 and decay 0.99, every code that receives fewer than 101 vectors in the first
 * step is revived, so the codebook starts (mostly) from encoder outputs. A threshold of 0 disables revival; a decay of 1 freezes the codebook.
 *
 * @param decay EMA decay in [0, 1]
 * @param epsilon Laplace smoothing of the cluster sizes
 * @param deadCodeThreshold cluster size under which a code is revived (0: never)
 */
public record EmaCodebook(double decay, double epsilon, double deadCodeThreshold) {

  /**
   * Updates {@code codebook} (K, D), {@code clusterSize} (1, K) and {@code embedSum} (K, D) in place
   * from one step's statistics; returns the number of revived codes.
   */
  public int update(INDArray codebook, INDArray clusterSize, INDArray embedSum,
      CodeStatistics stats, long seed) {
    return update(codebook, clusterSize, embedSum, stats, 1, seed);
  }

  /**
   * The update for statistics merged over {@code steps} steps (of all workers), applied at once:
   * decay^steps towards the per-step mean of the statistics. For statistics that stay the same
   * from step to step this equals {@code steps} single updates; {@code steps = 1} is one update.
   */
  public int update(INDArray codebook, INDArray clusterSize, INDArray embedSum,
      CodeStatistics stats, int steps, long seed) {
    int k = (int) codebook.rows();
    double keep = Math.pow(decay, steps);
    INDArray counts = Nd4j.createFromArray(stats.counts()).castTo(clusterSize.dataType()).reshape(1, k);
    clusterSize.muli(keep).addi(counts.muli((1 - keep) / steps));
    embedSum.muli(keep).addi(stats.sums().mul((1 - keep) / steps));
    double total = clusterSize.sumNumber().doubleValue();
    INDArray smoothed = clusterSize.add(epsilon).divi(total + k * epsilon).muli(total);
    codebook.assign(embedSum.divColumnVector(smoothed.reshape(k, 1)));
    return revive(codebook, clusterSize, embedSum, stats.candidates(), seed);
  }

  private int revive(INDArray codebook, INDArray clusterSize, INDArray embedSum,
      INDArray candidates, long seed) {
    if (deadCodeThreshold <= 0 || candidates.rows() == 0) {
      return 0;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int revived = 0;
    for (int i = 0; i < codebook.rows(); i++) {
      if (clusterSize.getDouble(i) < deadCodeThreshold) {
        INDArray code = candidates.getRow(random.nextInt((int) candidates.rows()));
        codebook.putRow(i, code);
        clusterSize.putScalar(i, deadCodeThreshold);
        embedSum.putRow(i, code.mul(deadCodeThreshold));
        revived++;
      }
    }
    return revived;
  }
}
