package org.melforge.bottleneck;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What one or more batches assigned to each code: counts {@code n_k} and sums of the assigned
 * encoder outputs {@code s_k}, plus the encoder outputs themselves (candidates for dead-code
 * revival). Statistics of several batches or workers merge by addition, so EMA updates and usage
 * counts can be computed where the data is and combined anywhere.
 */
public final class CodeStatistics implements StateStatistics {

  private static final long serialVersionUID = 1L;
  /** Revival candidates kept by {@link #compact}, per code. */
  private static final int CANDIDATES_PER_CODE = 4;

  private final double[] counts;
  private final INDArray sums;
  private final INDArray candidates;

  private CodeStatistics(double[] counts, INDArray sums, INDArray candidates) {
    this.counts = counts;
    this.sums = sums;
    this.candidates = candidates;
  }

  /** Statistics of encoder outputs {@code z} (N, D) assigned to codes {@code indices} (N). */
  public static CodeStatistics of(INDArray z, long[] indices, int codebookSize) {
    int d = (int) z.columns();
    double[] counts = new double[codebookSize];
    double[] rows = z.dup('c').reshape(-1).toDoubleVector();
    double[] sums = new double[codebookSize * d];
    for (int i = 0; i < indices.length; i++) {
      int k = (int) indices[i];
      counts[k]++;
      for (int j = 0, from = i * d, to = k * d; j < d; j++) {
        sums[to + j] += rows[from + j];
      }
    }
    return new CodeStatistics(counts,
        Nd4j.createFromArray(sums).reshape(codebookSize, d).castTo(z.dataType()), z.dup());
  }

  /** The sum of both statistics (candidates of both, this one's first). */
  @Override
  public CodeStatistics merge(StateStatistics statistics) {
    if (!(statistics instanceof CodeStatistics other) || other.counts.length != counts.length) {
      throw new IllegalArgumentException("cannot merge code statistics of " + counts.length
          + " codes with " + statistics);
    }
    double[] c = counts.clone();
    for (int k = 0; k < c.length; k++) {
      c[k] += other.counts[k];
    }
    return new CodeStatistics(c, sums.add(other.sums), Nd4j.vstack(candidates, other.candidates));
  }

  /** At most four revival candidates per code ({@link #limitCandidates}). */
  @Override
  public CodeStatistics compact(long seed) {
    return limitCandidates(CANDIDATES_PER_CODE * counts.length, seed);
  }

  /**
   * The same statistics with at most {@code max} candidates, drawn uniformly without replacement
   * (seeded), so that statistics of many steps stay small enough to ship; revival picks candidates
   * uniformly, so a uniform subset serves it the same way.
   */
  public CodeStatistics limitCandidates(int max, long seed) {
    long n = candidates.rows();
    if (n <= max) {
      return this;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] rows = new int[(int) n];
    Arrays.setAll(rows, i -> i);
    for (int i = 0; i < max; i++) {
      int j = i + random.nextInt(rows.length - i);
      int t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
    return new CodeStatistics(counts, sums, Nd4j.pullRows(candidates, 1, Arrays.copyOf(rows, max)));
  }

  /** Assignment counts per code. */
  public double[] counts() {
    return counts.clone();
  }

  /** Sum of assigned encoder outputs per code, (K, D). */
  public INDArray sums() {
    return sums;
  }

  /** Encoder outputs seen, (N, D). */
  public INDArray candidates() {
    return candidates;
  }

  @Override
  public String toString() {
    return "CodeStatistics[" + counts.length + " codes, " + total() + " assignments]";
  }

  /** Total number of assignments. */
  public double total() {
    return Arrays.stream(counts).sum();
  }
}
