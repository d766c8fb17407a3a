package org.melforge.bottleneck;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lloyd's k-means on rows of a matrix, for initialising a codebook from encoder outputs. Starts
 * from k distinct random rows; a cluster that loses all its members keeps its previous center.
 *
 * @param centers the k centers (k, D)
 * @param counts members per center after the last assignment
 */
public record KMeans(INDArray centers, long[] counts) {

  /** Clusters {@code data} (N, D), N >= k, into {@code k} centers with {@code iterations} rounds. */
  public static KMeans fit(INDArray data, int k, int iterations, long seed) {
    if (data.rows() < k) {
      throw new IllegalArgumentException("k-means needs at least k=" + k + " vectors, got "
          + data.rows() + " (raise model.kmeans-init-batches)");
    }
    INDArray centers = Codebooks.lookup(data, distinctRows(data.rows(), k, seed));
    long[] counts = new long[k];
    for (int it = 0; it < iterations; it++) {
      CodeStatistics stats = CodeStatistics.of(data, Codebooks.nearest(data, centers), k);
      double[] n = stats.counts();
      for (int c = 0; c < k; c++) {
        counts[c] = (long) n[c];
        if (n[c] > 0) {
          centers.putRow(c, stats.sums().getRow(c).div(n[c]));
        }
      }
    }
    return new KMeans(centers, counts);
  }

  private static long[] distinctRows(long n, int k, long seed) {
    long[] perm = new long[(int) n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt((int) n - i);
      long t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return java.util.Arrays.copyOf(perm, k);
  }
}
