package org.melforge.sharing;

import java.util.concurrent.atomic.AtomicLongArray;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.spark.parameterserver.networking.v2.WiredEncodingHandler;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient sharing's update encoder with several threshold levels per step.
 *
 * <p>DL4J's {@code EncodingHandler} sends each element of a worker's residual (accumulated
 * update) as 0 or +-t per step, t the threshold; the rest stays in the residual. That one level
 * delays every element smaller than t and cuts every larger one to t, and the delays cost
 * convergence: one JVM whose updates pass through it ends 17-48% above the same JVM without it
 * on the tiny VQ presets (README, "Distributed training"). This handler sends DL4J's message
 * first, then encodes what is left at t/2, t/4, ... ({@code levels} thresholds in all), each as
 * its own standard message that every receiver decodes unchanged. An element moves by a multiple
 * of t/2^(levels-1) up to (2 - 2^(1-levels)) t per step, and nothing is lost: whatever a message
 * does not carry stays in the residual. With one level it is DL4J's encoding.
 *
 * <p>A level is encoded sparsely (indices) up to n/16 elements; a denser level adds a bitmap
 * message (2 bits per element) for the elements the sparse one had no room for. {@code wired}
 * handlers also send every message to the other executors ({@link WiredEncodingHandler}); the
 * others only feed their own accumulator ({@code sharing.mode = encoded}).
 */
public final class LevelledEncodingHandler extends WiredEncodingHandler {

  /** Sparse messages hold at most n / this elements. */
  private static final int SPARSE_SHARE = 16;
  /** Header ints of a sparse message. */
  private static final int SPARSE_HEADER = 4;
  /** Ints DL4J's buffer sizing adds to n / 16 for each message. */
  private static final int LARGE_MESSAGE_SLACK = 65536;
  /** Ints of a bitmap message beyond n / 16. */
  private static final int BITMAP_EXTRA = 5;

  private final int levels;
  private final boolean wired;
  private final AtomicLongArray sent;

  private LevelledEncodingHandler(ThresholdAlgorithm threshold, ResidualPostProcessor residual,
      int levels, boolean wired) {
    super(threshold, residual, null, false);
    Preconditions.checkArgument(levels >= 1, "encoding levels must be at least 1: %s", levels);
    this.levels = levels;
    this.wired = wired;
    this.sent = new AtomicLongArray(levels);
  }

  /**
   * An accumulator for {@code parties} workers of a model with {@code parameters} parameters
   * whose updates this handler encodes. A worker sends up to 2 * levels - 1 messages a step (a
   * level that overflows its sparse message adds a bitmap); each worker's queue and workspace
   * hold two steps' messages of all workers, as DL4J's hold two one-message steps.
   */
  public static EncodedGradientsAccumulator accumulator(int parties, long parameters,
      ThresholdAlgorithm threshold, ResidualPostProcessor residual, int levels, boolean wired) {
    int queue = 2 * parties * (2 * levels - 1);
    long largestMessage = (parameters / SPARSE_SHARE + LARGE_MESSAGE_SLACK) * Integer.BYTES;
    return new EncodedGradientsAccumulator.Builder(parties)
        .messageHandler(new LevelledEncodingHandler(threshold, residual, levels, wired))
        .thresholdAlgorithm(threshold)
        .residualPostProcessor(residual)
        .memoryParameters(largestMessage * (queue + 1), queue)
        .build();
  }

  /** Messages sent so far at each level (all threads). */
  public long[] messagesPerLevel() {
    long[] out = new long[levels];
    for (int i = 0; i < levels; i++) {
      out[i] = sent.get(i);
    }
    return out;
  }

  @Override
  public boolean broadcastUpdates(INDArray updates, int iteration, int epoch) {
    INDArray first = encodeUpdates(iteration, epoch, updates);
    boolean any = first != null;
    if (any) {
      send(0, first, iteration, epoch);
    }
    double threshold = thresholdAlgorithm.get() instanceof LosslessThreshold guard
        ? guard.delegateThreshold() : currentThreshold.get().get();
    for (int level = 1; level < levels; level++) {
      any |= encodeLevel(level, updates, threshold / (1L << level), iteration, epoch);
    }
    return any;
  }

  private boolean encodeLevel(int level, INDArray updates, double threshold, int iteration,
      int epoch) {
    OpExecutioner ops = Nd4j.getExecutioner();
    int limit = (int) (updates.length() / SPARSE_SHARE);
    INDArray sparse = ops.thresholdEncode(updates, threshold, limit);
    if (sparse == null) {
      return false;
    }
    send(level, sparse, iteration, epoch);
    if (sparse.length() - SPARSE_HEADER >= limit) {
      INDArray bitmap = Nd4j.create(DataType.INT32, limit + BITMAP_EXTRA);
      if (ops.bitmapEncode(updates, bitmap, threshold) > 0) {
        send(level, bitmap, iteration, epoch);
      }
    }
    return true;
  }

  private void send(int level, INDArray message, int iteration, int epoch) {
    sent.incrementAndGet(level);
    sendMessage(message, iteration, epoch);
  }

  @Override
  protected void sendMessage(INDArray message, int iteration, int epoch) {
    if (wired) {
      super.sendMessage(message, iteration, epoch);
    } else {
      accumulator.receiveUpdate(message);
    }
  }
}
