package org.melforge.eval.codes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.melforge.metrics.CodeCounts;
import org.melforge.metrics.CodeUsage;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Usage of one binary level (L-bit codes of a binary spherical quantizer) over a whole split:
 * the codes themselves as a {@link CodeLevel} of 2^L codes (counted sparsely), each bit's +1 and
 * -1 counts, and each group of g bits' counts over its 2^g sub-codes, all exact counts summed
 * across batches and partitions ({@link #merge}), so one partition and many give identical
 * numbers.
 */
public final class BinaryLevel implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final int bits;
  private final int groupBits;
  private final CodeLevel codes;
  private final CodeCounts[] perBit;
  private final CodeCounts[] perGroup;

  /** Nothing counted yet for level {@code name} of {@code bits}-bit codes in groups of {@code groupBits}. */
  public BinaryLevel(String name, int bits, int groupBits) {
    if (bits < 1 || bits > 62 || groupBits < 1 || bits % groupBits != 0) {
      throw new IllegalArgumentException("level " + name + ": " + bits + " bits in groups of "
          + groupBits);
    }
    this.name = name;
    this.bits = bits;
    this.groupBits = groupBits;
    this.codes = CodeLevel.sparse(name, 1L << bits);
    this.perBit = new CodeCounts[bits];
    this.perGroup = new CodeCounts[bits / groupBits];
    for (int i = 0; i < bits; i++) {
      perBit[i] = new CodeCounts(2);
    }
    for (int g = 0; g < perGroup.length; g++) {
      perGroup[g] = new CodeCounts(1L << groupBits);
    }
  }

  /** Counts the codes {@code (B, h, w)} of a batch, each an L-bit integer, most significant bit first. */
  public void add(INDArray batchCodes) {
    codes.add(batchCodes);
    long mask = (1L << groupBits) - 1;
    for (long code : batchCodes.dup().data().asLong()) {
      for (int i = 0; i < bits; i++) {
        perBit[i].add((code >>> (bits - 1 - i)) & 1);
      }
      for (int g = 0; g < perGroup.length; g++) {
        perGroup[g].add((code >>> (bits - (g + 1) * groupBits)) & mask);
      }
    }
  }

  /** Adds {@code other}'s counts (same level). */
  public BinaryLevel merge(BinaryLevel other) {
    if (other.bits != bits || other.groupBits != groupBits) {
      throw new IllegalArgumentException("cannot merge level " + other.name + " of " + other.bits
          + " bits in groups of " + other.groupBits + " into " + name);
    }
    codes.merge(other.codes);
    for (int i = 0; i < bits; i++) {
      perBit[i].merge(other.perBit[i]);
    }
    for (int g = 0; g < perGroup.length; g++) {
      perGroup[g].merge(other.perGroup[g]);
    }
    return this;
  }

  public String name() {
    return name;
  }

  /** The codes' usage over the split, as for a codebook of 2^L codes. */
  public CodeLevel.Summary codes(double secondsPerExample) {
    return codes.summary(secondsPerExample);
  }

  /** Fraction of positions whose bit {@code i} (0: the most significant) is +1. */
  public double plusFraction(int i) {
    long total = perBit[i].count(0) + perBit[i].count(1);
    return total == 0 ? Double.NaN : (double) perBit[i].count(1) / total;
  }

  /** Entropy (bits) of bit {@code i}'s distribution over +1 and -1. */
  public double bitEntropyBits(int i) {
    return entropyBits(perBit[i].usage());
  }

  /** {@link #plusFraction} of every bit, most significant first. */
  public double[] plusFractions() {
    double[] out = new double[bits];
    for (int i = 0; i < bits; i++) {
      out[i] = plusFraction(i);
    }
    return out;
  }

  /** {@link #bitEntropyBits} of every bit, most significant first. */
  public double[] bitEntropiesBits() {
    double[] out = new double[bits];
    for (int i = 0; i < bits; i++) {
      out[i] = bitEntropyBits(i);
    }
    return out;
  }

  /** Usage of group {@code g}'s 2^g sub-codes (group 0 holds the most significant bits). */
  public CodeUsage group(int g) {
    return perGroup[g].usage();
  }

  private static double entropyBits(CodeUsage usage) {
    return usage.perplexity() == 0 ? 0 : Math.log(usage.perplexity()) / Math.log(2);
  }

  /**
   * JSON-ready values, snake_case keys: those of the code usage ({@link CodeLevel.Summary#toJson})
   * with {@code kind} {@code binary}, then {@code bits}, {@code group_bits},
   * {@code bit_plus_fraction} and {@code bit_entropy_bits} (per bit, most significant first) and
   * {@code groups} (per group: {@code sub_codes}, {@code used}, {@code dead}, {@code entropy_bits},
   * {@code perplexity}).
   *
   * @param secondsPerExample audio seconds one example covers
   */
  public Map<String, Object> toJson(double secondsPerExample) {
    Map<String, Object> out = new LinkedHashMap<>(codes(secondsPerExample).toJson());
    out.put("kind", "binary");
    out.put("bits", bits);
    out.put("group_bits", groupBits);
    out.put("bit_plus_fraction", plusFractions());
    out.put("bit_entropy_bits", bitEntropiesBits());
    List<Map<String, Object>> groups = new ArrayList<>();
    for (int g = 0; g < perGroup.length; g++) {
      CodeUsage usage = group(g);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sub_codes", 1L << groupBits);
      m.put("used", (1L << groupBits) - usage.dead());
      m.put("dead", usage.dead());
      m.put("entropy_bits", entropyBits(usage));
      m.put("perplexity", usage.perplexity());
      groups.add(m);
    }
    out.put("groups", groups);
    return out;
  }
}
