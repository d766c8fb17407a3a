package org.melforge.metrics;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * How often each code of a codebook of {@code size} codes was used, counted exactly and merged by
 * addition (counts of several batches, partitions or workers sum to those of all of them). Small
 * codebooks count into an array; large ones (binary codes of 2^L entries) count only the codes
 * seen, so memory follows the codes used, not the codebook size.
 */
public final class CodeCounts implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Largest codebook counted into an array. */
  static final long DENSE_LIMIT = 1 << 20;

  private final long size;
  private final long[] dense;
  private final Map<Long, Long> sparse;

  /** No code counted yet, in a codebook of {@code size} codes. */
  public CodeCounts(long size) {
    this(size, size <= DENSE_LIMIT);
  }

  private CodeCounts(long size, boolean dense) {
    if (size < 1) {
      throw new IllegalArgumentException("codebook size must be >= 1: " + size);
    }
    this.size = size;
    this.dense = dense ? new long[(int) size] : null;
    this.sparse = dense ? null : new HashMap<>();
  }

  /**
   * No code counted yet, in a codebook of {@code size} codes, counting only the codes seen
   * whatever the size: for codes that are few per codebook (binary codes of 2^L entries).
   */
  public static CodeCounts sparse(long size) {
    return new CodeCounts(size, false);
  }

  /** No code counted yet, in the same codebook counted the same way as these. */
  public CodeCounts empty() {
    return new CodeCounts(size, dense != null);
  }

  /** Counts one use of {@code code}. */
  public void add(long code) {
    add(code, 1);
  }

  private void add(long code, long uses) {
    if (code < 0 || code >= size) {
      throw new IllegalArgumentException("code " + code + " outside codebook of " + size);
    }
    if (dense != null) {
      dense[(int) code] += uses;
    } else {
      sparse.merge(code, uses, Long::sum);
    }
  }

  /** Adds {@code other}'s counts (same codebook size, either way of counting). */
  public void merge(CodeCounts other) {
    if (other.size != size) {
      throw new IllegalArgumentException("cannot merge counts of codebooks of " + size + " and "
          + other.size + " codes");
    }
    if (dense != null && other.dense != null) {
      for (int i = 0; i < dense.length; i++) {
        dense[i] += other.dense[i];
      }
    } else {
      other.forEachUsed(this::add);
    }
  }

  /** Codebook size. */
  public long size() {
    return size;
  }

  /** Uses of {@code code}. */
  public long count(long code) {
    return dense != null ? dense[(int) code] : sparse.getOrDefault(code, 0L);
  }

  /** Calls {@code action} with every code used at least once and its count, codes ascending. */
  public void forEachUsed(java.util.function.BiConsumer<Long, Long> action) {
    if (dense != null) {
      for (int code = 0; code < dense.length; code++) {
        if (dense[code] > 0) {
          action.accept((long) code, dense[code]);
        }
      }
    } else {
      new java.util.TreeMap<>(sparse).forEach(action);
    }
  }

  /** Perplexity, used fraction and dead codes of these counts. */
  public CodeUsage usage() {
    long total = 0;
    long used = 0;
    double sumNLogN = 0;
    if (dense != null) {
      for (long c : dense) {
        total += c;
        if (c > 0) {
          used++;
          sumNLogN += c * Math.log(c);
        }
      }
    } else {
      for (long c : sparse.values()) {
        total += c;
        used++;
        sumNLogN += c * Math.log(c);
      }
    }
    double entropy = total == 0 ? 0 : Math.log(total) - sumNLogN / total;
    return new CodeUsage(total == 0 ? 0 : Math.exp(entropy), (double) used / size, size - used);
  }
}
