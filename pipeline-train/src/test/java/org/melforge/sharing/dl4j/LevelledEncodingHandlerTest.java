package org.melforge.sharing.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.NoOpResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.compression.ThresholdCompression;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The levelled encoder, driven through the accumulator it is built for: every message it queues
 * is decoded with DL4J's own decoders and compared with what was fed and what stayed behind.
 */
class LevelledEncodingHandlerTest {

  private static final int LENGTH = 4096;
  private static final double THRESHOLD = 0.01;

  @Test
  void fourLevelsSendEveryElementBelowTwiceTheThresholdToWithinAnEighthOfIt() {
    Flow flow = Flow.of(4);
    INDArray update = uniform(1.99 * THRESHOLD, 1);
    flow.step(update);
    assertTrue(flow.lossless(), "sent + kept = fed: " + flow);
    assertTrue(flow.residual.amaxNumber().doubleValue() < THRESHOLD / 8,
        "left behind: " + flow.residual.amaxNumber());
    long[] perLevel = flow.handler().traffic().messages();
    assertEquals(4, perLevel.length);
    for (long messages : perLevel) {
      assertTrue(messages > 0, "every level sent: " + Arrays.toString(perLevel));
    }
  }

  @Test
  void oneLevelIsDl4jsEncodingAndKeepsEverythingBelowTheThreshold() {
    Flow flow = Flow.of(1);
    flow.step(uniform(1.99 * THRESHOLD, 1));
    assertTrue(flow.lossless(), flow.toString());
    assertTrue(flow.residual.amaxNumber().doubleValue() > THRESHOLD / 2,
        "one level leaves up to a threshold behind: " + flow.residual.amaxNumber());
    assertArrayEquals(new long[] {1}, flow.handler().traffic().messages());
  }

  @Test
  void dl4jsBitmapMovesByTheThresholdAndNegativeElementsByHalfOfIt() {
    INDArray residual = Nd4j.createFromArray(0.3f, 0.6f, 1.2f, 2.5f, -0.3f, -0.6f, -1.2f, -2.5f);
    INDArray message = Nd4j.create(DataType.INT32, 8 / 16 + 5);
    assertEquals(5, Nd4j.getExecutioner().bitmapEncode(residual, message, 1.0));
    INDArray sent = Nd4j.zeros(DataType.FLOAT, 8);
    Nd4j.getExecutioner().bitmapDecode(message, sent);
    assertEquals(Nd4j.createFromArray(0f, 0f, 1f, 1f, 0f, -0.5f, -1f, -1f), sent);
  }

  @Test
  void nothingIsLostOverManyStepsOfSparseAndDenseUpdates() {
    Flow flow = Flow.of(4);
    for (int step = 0; step < 60; step++) {
      double amplitude = THRESHOLD * (1.0 + Math.sin(step * 0.7));
      flow.step(uniform(amplitude, step));
    }
    assertTrue(flow.sparse > 0 && flow.bitmap > 0, flow.toString());
    assertTrue(flow.lossless(), flow.toString());
  }

  private static INDArray uniform(double amplitude, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, LENGTH).subi(0.5).muli(2 * amplitude);
  }

  /** An accumulator of one worker, what was fed to it, sent by it and kept in its residual. */
  private static final class Flow {
    final EncodedGradientsAccumulator accumulator;
    final INDArray residual = Nd4j.zeros(DataType.FLOAT, LENGTH);
    final INDArray fed = Nd4j.zeros(DataType.FLOAT, LENGTH);
    final INDArray sent = Nd4j.zeros(DataType.FLOAT, LENGTH);
    int sparse;
    int bitmap;
    int step;

    private Flow(EncodedGradientsAccumulator accumulator) {
      this.accumulator = accumulator;
    }

    static Flow of(int levels) {
      return new Flow(LevelledEncodingHandler.accumulator(1, LENGTH,
          new LosslessThreshold(new FixedThresholdAlgorithm(THRESHOLD)),
          new NoOpResidualPostProcessor(), levels, false));
    }

    LevelledEncodingHandler handler() {
      return (LevelledEncodingHandler) accumulator.getHandler();
    }

    void step(INDArray update) {
      fed.addi(update);
      residual.addi(update);
      handler().broadcastUpdates(residual, step++, 0);
      INDArray message;
      while ((message = accumulator.getMessages().get(0).poll()) != null) {
        if (message.data().getInt(3) == ThresholdCompression.FLEXIBLE_ENCODING) {
          sparse++;
          Nd4j.getExecutioner().thresholdDecode(message, sent);
        } else {
          bitmap++;
          Nd4j.getExecutioner().bitmapDecode(message, sent);
        }
      }
    }

    double lost() {
      return fed.sub(sent).subi(residual).norm1Number().doubleValue();
    }

    /** Whether what was fed is what was sent and kept, up to float rounding. */
    boolean lossless() {
      return lost() < 1e-5 * sent.norm1Number().doubleValue();
    }

    @Override
    public String toString() {
      return "sent " + sent.norm1Number() + ", lost " + lost() + ", sparse messages " + sparse
          + ", bitmap messages " + bitmap;
    }
  }
}
