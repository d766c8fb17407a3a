package org.melforge.sharing.dl4j;

import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithmReducer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Condition;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * A threshold algorithm that keeps DL4J's update encoder from dropping updates.
 *
 * <p>DL4J's {@code EncodingHandler} (1.0.0-M2) encodes each worker's update either sparsely (the
 * indices of elements at or above the threshold) or as a bitmap (2 bits per element). In sparse
 * mode it encodes at most {@code n / 16} elements, subtracting the threshold from each in the
 * residual; when that limit is reached it switches to bitmap mode and re-encodes the residual,
 * discarding the sparse message, so the first {@code n / 16} elements' steps leave the residual
 * without ever being sent. Training then loses a share of its updates whenever the fraction of
 * elements above the threshold crosses 1/16 (README, "Distributed training").
 *
 * <p>This class mirrors the handler's mode from the thresholds it returns and the counts it sees
 * (bitmap mode falls back to sparse once fewer than {@code (n / 16 + 5) / 2} elements are
 * encoded). When a sparse step would hit the limit, it returns a vanishing threshold for that one
 * step instead: the handler then switches to bitmap mode at a loss of {@code n / 16} times that
 * threshold, the residual is kept, and the next step is encoded at the delegate's threshold.
 * Each encoding handler clones its own instance per thread, and a clone starts in bitmap mode,
 * as the handler does.
 *
 * <p>DL4J fence, patch 3 (see {@code package-info.java}): it mirrors private behaviour of DL4J's
 * {@code EncodingHandler}.
 */
public final class LosslessThreshold implements ThresholdAlgorithm {

  /** The switching step's threshold, as a fraction of the delegate's. */
  private static final double SWITCH_FRACTION = 1e-6;
  private static final long serialVersionUID = 1L;
  /** Every how many elements the estimate of a large update looks at. */
  private static final int SAMPLE_STRIDE = 16;
  /** Updates of fewer elements are always counted exactly. */
  private static final long MIN_SAMPLED = 1 << 16;
  /** The handler's sparse messages hold fewer than 1 / this of an update's elements. */
  private static final int SPARSE_SHARE = 16;
  /** Header ints of a sparse message, counted in its length by the handler. */
  private static final int SPARSE_HEADER = 4;
  /** Ints a bitmap message holds beyond n / 16: bitmap mode ends below half of n / 16 + this. */
  private static final int BITMAP_EXTRA = 5;

  private final ThresholdAlgorithm delegate;
  private boolean bitmap = true;
  private Double lastDelegateThreshold;

  /** Guards {@code delegate}'s thresholds. */
  public LosslessThreshold(ThresholdAlgorithm delegate) {
    this.delegate = delegate;
  }

  @Override
  public double calculateThreshold(int iteration, int epoch, Double lastThreshold,
      Boolean lastWasDense, Double lastSparsityRatio, INDArray updatesPlusResidual) {
    double threshold = delegate.calculateThreshold(iteration, epoch,
        lastDelegateThreshold == null ? lastThreshold : lastDelegateThreshold, lastWasDense,
        lastSparsityRatio, updatesPlusResidual);
    lastDelegateThreshold = threshold;
    long limit = updatesPlusResidual.length() / SPARSE_SHARE;
    long above = above(updatesPlusResidual, threshold, limit);
    if (!bitmap) {
      if (above + SPARSE_HEADER < limit) {
        return threshold;
      }
      bitmap = true;
      return threshold * SWITCH_FRACTION;
    }
    if (above < (limit + BITMAP_EXTRA) / 2) {
      bitmap = false;
    }
    return threshold;
  }

  /**
   * How many elements of {@code updates} are at or above {@code threshold} in magnitude. From
   * {@value #MIN_SAMPLED} elements on, an estimate from every {@value #SAMPLE_STRIDE}th element
   * stands unless it is within a quarter of one of the handler's limits ({@code limit} and half
   * of it), where an exact count decides: that count costs about as much as the handler's own
   * encoding (BENCHMARKS.md, "Encoder guard").
   */
  private static long above(INDArray updates, double threshold, long limit) {
    long n = updates.length();
    Condition atOrAbove = Conditions.absGreaterThanOrEqual(threshold);
    if (n >= MIN_SAMPLED) {
      INDArray sample = updates.reshape(n).get(NDArrayIndex.interval(0, SAMPLE_STRIDE, n));
      long estimate = SAMPLE_STRIDE * sample.scan(atOrAbove).longValue();
      if (!near(estimate, limit) && !near(estimate, limit / 2)) {
        return estimate;
      }
    }
    return updates.scan(atOrAbove).longValue();
  }

  private static boolean near(long estimate, long limit) {
    return Math.abs(estimate - limit) <= limit / 4;
  }

  /** The delegate's threshold for the last step (it differs on a switching step). */
  double delegateThreshold() {
    return lastDelegateThreshold;
  }

  /** The guarded algorithm. */
  public ThresholdAlgorithm delegate() {
    return delegate;
  }

  @Override
  public ThresholdAlgorithmReducer newReducer() {
    return new Reducer(delegate.newReducer());
  }

  @Override
  public LosslessThreshold clone() {
    return new LosslessThreshold(delegate.clone());
  }

  @Override
  public String toString() {
    return "LosslessThreshold(" + delegate + ")";
  }

  /** Reduces the delegates and guards the result. */
  private static final class Reducer implements ThresholdAlgorithmReducer {
    private static final long serialVersionUID = 1L;
    private final ThresholdAlgorithmReducer delegate;

    Reducer(ThresholdAlgorithmReducer delegate) {
      this.delegate = delegate;
    }

    @Override
    public void add(ThresholdAlgorithm instance) {
      delegate.add(((LosslessThreshold) instance).delegate);
    }

    @Override
    public ThresholdAlgorithmReducer merge(ThresholdAlgorithmReducer other) {
      delegate.merge(other == null ? null : ((Reducer) other).delegate);
      return this;
    }

    @Override
    public ThresholdAlgorithm getFinalResult() {
      ThresholdAlgorithm result = delegate.getFinalResult();
      return result == null ? null : new LosslessThreshold(result);
    }
  }
}
