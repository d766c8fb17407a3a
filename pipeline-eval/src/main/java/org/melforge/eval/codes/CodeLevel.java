package org.melforge.eval.codes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.melforge.metrics.CodeCounts;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Code usage of one quantizer level over a whole split: exact counts per code, summed across
 * batches and partitions ({@link #merge}), turned into entropy only at the end, so one partition
 * and many give identical numbers.
 */
public final class CodeLevel implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Codes listed by {@link Summary#topCodes}. */
  public static final int TOP = 20;
  /** Largest codebook whose per-code counts {@link Summary#counts} lists. */
  public static final long LISTED_CODES = 1 << 16;

  private final String name;
  private final CodeCounts counts;
  private long positionsPerExample;
  private long examples;

  /** No code counted yet for level {@code name} of a codebook of {@code codebookSize} codes. */
  public CodeLevel(String name, long codebookSize) {
    this(name, new CodeCounts(codebookSize));
  }

  private CodeLevel(String name, CodeCounts counts) {
    this.name = name;
    this.counts = counts;
  }

  /**
   * No code counted yet for level {@code name} of a codebook of {@code codebookSize} codes,
   * counting only the codes seen whatever the size ({@link CodeCounts#sparse}).
   */
  public static CodeLevel sparse(String name, long codebookSize) {
    return new CodeLevel(name, CodeCounts.sparse(codebookSize));
  }

  /** Counts the codes {@code (B, h, w)} of a batch. */
  public void add(INDArray codes) {
    long b = codes.size(0);
    long positions = codes.length() / Math.max(1, b);
    if (examples > 0 && positions != positionsPerExample) {
      throw new IllegalArgumentException("level " + name + ": " + positions
          + " positions per example, earlier batches had " + positionsPerExample);
    }
    positionsPerExample = positions;
    examples += b;
    for (long code : codes.dup().data().asLong()) {
      counts.add(code);
    }
  }

  /** Adds {@code other}'s counts (same level). */
  public CodeLevel merge(CodeLevel other) {
    if (!other.name.equals(name)) {
      throw new IllegalArgumentException("cannot merge level " + other.name + " into " + name);
    }
    if (other.examples > 0) {
      if (examples > 0 && other.positionsPerExample != positionsPerExample) {
        throw new IllegalArgumentException("level " + name + ": " + other.positionsPerExample
            + " positions per example merged into " + positionsPerExample);
      }
      positionsPerExample = other.positionsPerExample;
    }
    examples += other.examples;
    counts.merge(other.counts);
    return this;
  }

  public String name() {
    return name;
  }

  /**
   * The level's usage over the split.
   *
   * @param secondsPerExample audio seconds one example covers (frames x hop / sample rate)
   */
  public Summary summary(double secondsPerExample) {
    long size = counts.size();
    long total = 0;
    long used = 0;
    double sumNLogN = 0;
    PriorityQueue<long[]> top = new PriorityQueue<>(
        Comparator.<long[]>comparingLong(e -> e[1]).thenComparingLong(e -> -e[0]));
    List<long[]> seen = seen();
    for (long[] e : seen) {
      total += e[1];
      used++;
      sumNLogN += e[1] * Math.log(e[1]);
      top.add(e);
      if (top.size() > TOP) {
        top.poll();
      }
    }
    double entropyBits = total == 0 ? 0 : (Math.log(total) - sumNLogN / total) / Math.log(2);
    List<long[]> topCodes = new ArrayList<>(top);
    topCodes.sort(Comparator.<long[]>comparingLong(e -> -e[1]).thenComparingLong(e -> e[0]));
    double positionsPerSecond = positionsPerExample / secondsPerExample;
    return new Summary(name, size, total, examples, positionsPerExample, entropyBits,
        Math.pow(2, entropyBits), used, size - used, topCodes, positionsPerSecond,
        positionsPerSecond * Math.log(size) / Math.log(2), positionsPerSecond * entropyBits,
        size <= LISTED_CODES ? dense() : null);
  }

  private List<long[]> seen() {
    List<long[]> out = new ArrayList<>();
    counts.forEachUsed((code, n) -> out.add(new long[] {code, n}));
    return out;
  }

  private long[] dense() {
    long[] out = new long[(int) counts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = counts.count(i);
    }
    return out;
  }

  /**
   * What {@link #summary} reports of a level.
   *
   * @param name the bottleneck layer
   * @param codebookSize K
   * @param positions code positions counted
   * @param examples examples counted
   * @param positionsPerExample positions of one example's latent grid
   * @param entropyBits entropy of the code distribution, bits
   * @param perplexity {@code 2^entropyBits}
   * @param used codes used at least once
   * @param dead codes never used
   * @param topCodes the most used codes as {@code [code, count]}, most used first (ties: lower code)
   * @param positionsPerSecond code positions per audio second
   * @param nominalBitsPerSecond {@code log2 K} bits per position
   * @param entropyBitsPerSecond {@code entropyBits} per position
   * @param counts uses of every code (null above {@link #LISTED_CODES} codes)
   */
  public record Summary(String name, long codebookSize, long positions, long examples,
      long positionsPerExample, double entropyBits, double perplexity, long used, long dead,
      List<long[]> topCodes, double positionsPerSecond, double nominalBitsPerSecond,
      double entropyBitsPerSecond, long[] counts) {

    /** JSON-ready values, snake_case keys (the per-code counts left out). */
    public Map<String, Object> toJson() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("kind", "codes");
      out.put("codebook_size", codebookSize);
      out.put("positions", positions);
      out.put("examples", examples);
      out.put("positions_per_example", positionsPerExample);
      out.put("entropy_bits", entropyBits);
      out.put("perplexity", perplexity);
      out.put("used", used);
      out.put("dead", dead);
      out.put("used_fraction", (double) used / codebookSize);
      out.put("top_codes", topCodes);
      out.put("positions_per_second", positionsPerSecond);
      out.put("nominal_bits_per_second", nominalBitsPerSecond);
      out.put("entropy_bits_per_second", entropyBitsPerSecond);
      return out;
    }
  }
}
