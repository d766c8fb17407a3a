package org.melforge.corpus;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic split assignment for corpora without an official split: a SHA-256 hash of the
 * salt and a key (the source id, or under {@link SplitMode#GROUP} the source's group value such as an
 * instrument or a speaker) mapped to [0, 1) and compared with the cumulative ratios. All windows of a
 * source share its key, so they never straddle splits, and the result is the same on every machine
 * and every rerun, whatever the partitioning.
 */
public final class SplitPolicy implements Serializable {

  private static final long serialVersionUID = 1L;

  private final double train;
  private final double valid;
  private final double test;
  private final String salt;

  /** Ratios must be non-negative and sum to 1 (within 1e-9). */
  public SplitPolicy(double train, double valid, double test, String salt) {
    if (train < 0 || valid < 0 || test < 0 || Math.abs(train + valid + test - 1.0) > 1e-9) {
      throw new IllegalArgumentException(String.format(
          "split ratios must be >= 0 and sum to 1, got train=%s valid=%s test=%s", train, valid, test));
    }
    this.train = train;
    this.valid = valid;
    this.test = test;
    this.salt = salt;
  }

  /** 90/10 train/valid with the salt "melforge". */
  public static SplitPolicy defaults() {
    return new SplitPolicy(0.9, 0.1, 0.0, "melforge");
  }

  /** Fraction of sources hashed to {@code train}. */
  public double train() {
    return train;
  }

  /** Fraction of sources hashed to {@code valid}. */
  public double valid() {
    return valid;
  }

  /** Fraction of sources hashed to {@code test}. */
  public double test() {
    return test;
  }

  /** The salt hashed with each source id. */
  public String salt() {
    return salt;
  }

  /** The split of a key (a source id or a group value): {@code train}, {@code valid} or {@code test}. */
  public String assign(String key) {
    double u = unitHash(salt + "\u0000" + key);
    if (u < train) {
      return "train";
    }
    return u < train + valid || test == 0.0 ? "valid" : "test";
  }

  static double unitHash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long bits = ByteBuffer.wrap(digest).getLong() >>> 11;
      return bits / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "train=" + train + " valid=" + valid + " test=" + test + " salt=" + salt;
  }
}
