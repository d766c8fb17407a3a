package org.melforge.tensorstore;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-mel-bin count, mean, standard deviation, minimum and maximum of stored tensor values over
 * the valid (non-padded) frames. Mergeable (Chan et al.'s parallel variance), so executors
 * accumulate their partitions and the driver merges the partials.
 */
public final class MelBinStats implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long[] count;
  private final double[] mean;
  private final double[] m2;
  private final double[] min;
  private final double[] max;
  private long tensors;

  /** Empty statistics for {@code nMels} bins. */
  public MelBinStats(int nMels) {
    count = new long[nMels];
    mean = new double[nMels];
    m2 = new double[nMels];
    min = new double[nMels];
    max = new double[nMels];
    java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  /** Number of mel bins. */
  public int nMels() {
    return count.length;
  }

  /** Number of tensors added. */
  public long tensors() {
    return tensors;
  }

  /**
   * Adds the first {@code validFrames} columns of a stored tensor (float32 little-endian,
   * mel-major (nMels, frames)).
   */
  public MelBinStats add(byte[] tensor, int frames, int validFrames) {
    FloatBuffer values = ByteBuffer.wrap(tensor).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    if (values.remaining() != nMels() * frames) {
      throw new IllegalArgumentException("tensor has " + values.remaining() + " values, expected "
          + nMels() + " x " + frames);
    }
    for (int m = 0; m < nMels(); m++) {
      for (int t = 0; t < validFrames; t++) {
        double x = values.get(m * frames + t);
        count[m]++;
        double delta = x - mean[m];
        mean[m] += delta / count[m];
        m2[m] += delta * (x - mean[m]);
        min[m] = Math.min(min[m], x);
        max[m] = Math.max(max[m], x);
      }
    }
    tensors++;
    return this;
  }

  /** Merges {@code other} into this and returns this. */
  public MelBinStats merge(MelBinStats other) {
    if (other.nMels() != nMels()) {
      throw new IllegalArgumentException("cannot merge " + other.nMels() + " bins into " + nMels());
    }
    for (int m = 0; m < nMels(); m++) {
      long n = count[m] + other.count[m];
      if (n == 0) {
        continue;
      }
      double delta = other.mean[m] - mean[m];
      mean[m] += delta * other.count[m] / n;
      m2[m] += other.m2[m] + delta * delta * count[m] * (double) other.count[m] / n;
      count[m] = n;
      min[m] = Math.min(min[m], other.min[m]);
      max[m] = Math.max(max[m], other.max[m]);
    }
    tensors += other.tensors;
    return this;
  }

  public long count(int bin) {
    return count[bin];
  }

  public double mean(int bin) {
    return mean[bin];
  }

  /** Population standard deviation. */
  public double std(int bin) {
    return count[bin] == 0 ? Double.NaN : Math.sqrt(m2[bin] / count[bin]);
  }

  public double min(int bin) {
    return min[bin];
  }

  public double max(int bin) {
    return max[bin];
  }

  /** A JSON-ready view: tensors, n_mels, and per bin count/mean/std/min/max. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tensors", tensors);
    out.put("n_mels", nMels());
    java.util.List<Map<String, Object>> bins = new java.util.ArrayList<>();
    for (int m = 0; m < nMels(); m++) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("bin", m);
      b.put("count", count[m]);
      b.put("mean", count[m] == 0 ? null : mean[m]);
      b.put("std", count[m] == 0 ? null : std(m));
      b.put("min", count[m] == 0 ? null : min[m]);
      b.put("max", count[m] == 0 ? null : max[m]);
      bins.add(b);
    }
    out.put("bins", bins);
    return out;
  }
}
