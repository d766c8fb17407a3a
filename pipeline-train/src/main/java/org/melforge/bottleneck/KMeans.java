package org.melforge.bottleneck;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lloyd's k-means on rows of a matrix, for initialising a codebook from encoder outputs. Starts
 * from k distinct random rows; a cluster that loses all its members keeps its previous center.
 *
 * @param centers the k centers (k, D)
 * @param counts members per center in the final assignment
 * @param rounds center updates done
 * @param converged whether the last update changed no assignment (then every center is the mean
 *     of its members)
 */
public record KMeans(INDArray centers, long[] counts, int rounds, boolean converged) {

  /**
   * Clusters {@code data} (N, D), N >= k, into {@code k} centers: rounds of center update and
   * reassignment until no assignment changes or {@code maxIterations}; the counts are those of the
   * final assignment to the final centers.
   */
  public static KMeans fit(INDArray data, int k, int maxIterations, long seed) {
    if (data.rows() < k) {
      throw new IllegalArgumentException("k-means needs at least k=" + k + " vectors, got "
          + data.rows() + " (raise model.kmeans-init-batches)");
    }
    INDArray centers = Codebooks.lookup(data, distinctRows(data.rows(), k, seed));
    long[] assignment = Codebooks.nearest(data, centers);
    boolean converged = false;
    int rounds = 0;
    while (!converged && rounds < maxIterations) {
      rounds++;
      CodeStatistics stats = CodeStatistics.of(data, assignment, k);
      double[] n = stats.counts();
      for (int c = 0; c < k; c++) {
        if (n[c] > 0) {
          centers.putRow(c, stats.sums().getRow(c).div(n[c]));
        }
      }
      long[] next = Codebooks.nearest(data, centers);
      converged = java.util.Arrays.equals(next, assignment);
      assignment = next;
    }
    long[] counts = new long[k];
    for (long a : assignment) {
      counts[(int) a]++;
    }
    return new KMeans(centers, counts, rounds, converged);
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
