package org.melforge.metrics;

import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bit statistics of binary codes of L bits, counted exactly and merged by addition: per bit how
 * often it was {@code +1} (set), and per group of g bits the sum of the soft assignments of every
 * position to the group's 2^g sub-codes, from which the codebook entropy of all positions counted
 * (a whole split, over any number of batches and workers) follows, not an average of batch values.
 */
public final class BitUsage implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int bits;
  private final long[] plus;
  private final double[][] assignment;
  private long positions;

  /** Nothing counted yet, for codes of {@code bits} bits soft-assigned in groups of {@code g}. */
  public BitUsage(int bits, int g) {
    if (bits < 1 || bits > 62 || g < 1 || bits % g != 0) {
      throw new IllegalArgumentException("bits " + bits + " in groups of " + g);
    }
    this.bits = bits;
    this.plus = new long[bits];
    this.assignment = new double[bits / g][1 << g];
  }

  /**
   * Counts positions: their codes (N) and soft assignments (N * G, 2^g), row {@code n * G + group}.
   */
  public void add(long[] codes, INDArray softAssignment) {
    int groups = assignment.length;
    if (softAssignment.rows() != (long) codes.length * groups
        || softAssignment.columns() != assignment[0].length) {
      throw new IllegalArgumentException("assignment " + Arrays.toString(softAssignment.shape())
          + " for " + codes.length + " codes in " + groups + " groups");
    }
    for (long code : codes) {
      for (int i = 0; i < bits; i++) {
        plus[i] += (code >>> (bits - 1 - i)) & 1;
      }
    }
    double[][] sums = softAssignment.reshape(codes.length, groups, assignment[0].length).sum(0)
        .reshape(groups, assignment[0].length).toDoubleMatrix();
    for (int group = 0; group < groups; group++) {
      for (int k = 0; k < sums[group].length; k++) {
        assignment[group][k] += sums[group][k];
      }
    }
    positions += codes.length;
  }

  /** Nothing counted yet, for the same codes and groups as these. */
  public BitUsage empty() {
    return new BitUsage(bits, bits / assignment.length);
  }

  /** Adds {@code other}'s counts (same bits and groups). */
  public void merge(BitUsage other) {
    if (other.bits != bits || other.assignment.length != assignment.length) {
      throw new IllegalArgumentException("cannot merge bit usage of different codes");
    }
    for (int i = 0; i < bits; i++) {
      plus[i] += other.plus[i];
    }
    for (int group = 0; group < assignment.length; group++) {
      for (int k = 0; k < assignment[group].length; k++) {
        assignment[group][k] += other.assignment[group][k];
      }
    }
    positions += other.positions;
  }

  /** L, the code's bits. */
  public int bits() {
    return bits;
  }

  /** Positions counted. */
  public long positions() {
    return positions;
  }

  /** Fraction of positions whose bit {@code i} (0: the most significant) is {@code +1}. */
  public double plusFraction(int i) {
    return positions == 0 ? Double.NaN : (double) plus[i] / positions;
  }

  /**
   * The codebook entropy of all positions counted: the sum over groups of the entropy (nats) of the
   * mean soft assignment.
   */
  public double codebookEntropy() {
    if (positions == 0) {
      return Double.NaN;
    }
    double h = 0;
    for (double[] group : assignment) {
      for (double sum : group) {
        double m = sum / positions;
        h -= m > 0 ? m * Math.log(m) : 0;
      }
    }
    return h;
  }
}
