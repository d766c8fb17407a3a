package org.melforge.sharing.dl4j;

import java.io.Serializable;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.spark.parameterserver.networking.v2.WiredEncodingHandler;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient sharing's update encoder with several threshold levels per step.
 *
 * <p>DL4J's {@code EncodingHandler} sends each element of a worker's residual (accumulated
 * update) once per step, at one threshold t: as +-t where it is at least t in magnitude, in its
 * bitmap format also as -t/2 where it lies in (-t, -t/2] (the format has no +t/2); the rest stays
 * in the residual. That one level delays every small element and cuts every large one to t, and
 * the delays cost convergence: one JVM whose updates pass through it ends 17-48% above the same
 * JVM without it on the tiny VQ presets (README, "Distributed training"). This handler sends
 * DL4J's message first, then what is left as one bitmap message per further level, at t/2, t/4,
 * ... ({@code levels} thresholds in all), each a standard message that every receiver decodes
 * unchanged. An element then moves by a multiple of t/2^(levels-1) up to
 * (2 - 2^(1-levels)) t per step, and nothing is lost: whatever a message does not carry stays in
 * the residual. With one level it is DL4J's encoding.
 *
 * <p>A further level costs a bitmap of 2 bits per element (n/16 + 5 ints) whenever it moves
 * anything. {@code wired} handlers also send every message to the other executors
 * ({@link WiredEncodingHandler}); the others only feed their own accumulator
 * ({@code sharing.mode = encoded}).
 *
 * <p>DL4J fence, patch 2 (see {@code package-info.java}): it relies on {@code EncodingHandler}'s
 * protected state and on its message formats.
 */
public final class LevelledEncodingHandler extends WiredEncodingHandler {

  /** A bitmap message has one int per this many elements, ... */
  private static final int BITMAP_SHARE = 16;
  /** ... and this many more. */
  private static final int BITMAP_EXTRA = 5;
  /** Ints DL4J's buffer sizing adds to n / 16 for each message. */
  private static final int LARGE_MESSAGE_SLACK = 65536;

  private final int levels;
  private final boolean wired;
  private final AtomicLongArray sent;
  private final AtomicLongArray sentBytes;

  private LevelledEncodingHandler(ThresholdAlgorithm threshold, ResidualPostProcessor residual,
      int levels, boolean wired) {
    super(threshold, residual, null, false);
    Preconditions.checkArgument(levels >= 1, "encoding levels must be at least 1: %s", levels);
    this.levels = levels;
    this.wired = wired;
    this.sent = new AtomicLongArray(levels);
    this.sentBytes = new AtomicLongArray(levels);
  }

  /**
   * An accumulator for {@code parties} workers of a model with {@code parameters} parameters
   * whose updates this handler encodes. A worker sends up to {@code levels} messages a step; each
   * worker's queue and workspace hold two steps' messages of all workers, as DL4J's hold two
   * one-message steps.
   */
  public static EncodedGradientsAccumulator accumulator(int parties, long parameters,
      ThresholdAlgorithm threshold, ResidualPostProcessor residual, int levels, boolean wired) {
    int queue = 2 * parties * levels;
    long largestMessage = (parameters / BITMAP_SHARE + LARGE_MESSAGE_SLACK) * Integer.BYTES;
    return new EncodedGradientsAccumulator.Builder(parties)
        .messageHandler(new LevelledEncodingHandler(threshold, residual, levels, wired))
        .thresholdAlgorithm(threshold)
        .residualPostProcessor(residual)
        .memoryParameters(largestMessage * (queue + 1), queue)
        .build();
  }

  /** What this handler has sent so far, by all threads. */
  public Traffic traffic() {
    return new Traffic(toArray(sent), toArray(sentBytes));
  }

  private static long[] toArray(AtomicLongArray counts) {
    long[] out = new long[counts.length()];
    Arrays.setAll(out, counts::get);
    return out;
  }

  /** Messages and their bytes, per level (index 0: the threshold, 1: half of it, ...). */
  public record Traffic(long[] messages, long[] bytes) implements Serializable {

    /** No levels, nothing sent. */
    public static final Traffic NONE = new Traffic(new long[0], new long[0]);

    /** Level by level sums of this and {@code other}. */
    public Traffic plus(Traffic other) {
      return new Traffic(sum(messages, other.messages), sum(bytes, other.bytes));
    }

    private static long[] sum(long[] a, long[] b) {
      long[] out = Arrays.copyOf(a, Math.max(a.length, b.length));
      for (int i = 0; i < b.length; i++) {
        out[i] += b[i];
      }
      return out;
    }
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
    INDArray bitmap = Nd4j.create(DataType.INT32, updates.length() / BITMAP_SHARE + BITMAP_EXTRA);
    if (Nd4j.getExecutioner().bitmapEncode(updates, bitmap, threshold) == 0) {
      return false;
    }
    send(level, bitmap, iteration, epoch);
    return true;
  }

  private void send(int level, INDArray message, int iteration, int epoch) {
    sent.incrementAndGet(level);
    sentBytes.addAndGet(level, message.length() * Integer.BYTES);
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
