package org.melforge.sharing.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.optimize.solvers.accumulation.EncodingHandler;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithmReducer;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.compression.ThresholdCompression;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J's update encoder with and without the guard, on updates whose density crosses 1/16. */
class LosslessThresholdTest {

  private static final int LENGTH = 8192;
  private static final int STEPS = 120;

  @Test
  void theBareEncoderDropsUpdatesWhenItSwitchesFromSparseToBitmap() {
    Flow flow = encode(new FixedThresholdAlgorithm(1.0));
    assertTrue(flow.sparseMessages > 0 && flow.bitmapMessages > 0, flow.toString());
    assertTrue(flow.lost > 0.05 * flow.sent, "DL4J no longer drops updates: " + flow);
  }

  @Test
  void theGuardedEncoderSendsOrKeepsEveryUpdate() {
    Flow flow = encode(new LosslessThreshold(new FixedThresholdAlgorithm(1.0)));
    assertTrue(flow.sparseMessages > 0 && flow.bitmapMessages > 0, flow.toString());
    assertTrue(flow.lost < 1e-4 * flow.sent, flow.toString());
  }

  @Test
  void theGuardLosesNothingWhereItEstimatesLargeUpdatesFromASample() {
    Flow flow = encode(new LosslessThreshold(new FixedThresholdAlgorithm(1.0)), 1 << 17);
    assertTrue(flow.sparseMessages > 0 && flow.bitmapMessages > 0, flow.toString());
    assertTrue(flow.lost < 1e-4 * flow.sent, flow.toString());
  }

  @Test
  void aGuardedAdaptiveAlgorithmAlsoLosesNothing() {
    Flow flow = encode(new LosslessThreshold(new AdaptiveThresholdAlgorithm(1.0)));
    assertTrue(flow.lost < 1e-4 * flow.sent, flow.toString());
  }

  @Test
  void reducingGuardedInstancesGuardsTheReducedDelegate() {
    LosslessThreshold a = new LosslessThreshold(new FixedThresholdAlgorithm(0.5));
    ThresholdAlgorithmReducer reducer = a.newReducer();
    reducer.add(a);
    reducer.add(a.clone());
    ThresholdAlgorithm reduced = reducer.getFinalResult();
    LosslessThreshold guarded = assertInstanceOf(LosslessThreshold.class, reduced);
    assertEquals(0.5, ((FixedThresholdAlgorithm) guarded.delegate()).getThreshold());
  }

  /**
   * Feeds {@link #STEPS} updates of uniform noise, whose amplitude swings the share of elements
   * above the threshold between about 0 and 1/2, through an encoder, decodes every message and
   * sums what was sent, kept in the residual and lost.
   */
  private static Flow encode(ThresholdAlgorithm algorithm) {
    return encode(algorithm, LENGTH);
  }

  private static Flow encode(ThresholdAlgorithm algorithm, int length) {
    List<INDArray> messages = new ArrayList<>();
    EncodingHandler handler = new EncodingHandler(algorithm, null, null, false) {
      @Override
      protected void sendMessage(INDArray message, int iteration, int epoch) {
        messages.add(message.dup());
      }
    };
    Nd4j.getRandom().setSeed(7);
    INDArray residual = Nd4j.zeros(DataType.FLOAT, length);
    INDArray fed = Nd4j.zeros(DataType.FLOAT, length);
    INDArray sent = Nd4j.zeros(DataType.FLOAT, length);
    Flow flow = new Flow();
    for (int step = 0; step < STEPS; step++) {
      double amplitude = 1.0 + Math.sin(step * 0.7);
      INDArray update = Nd4j.rand(DataType.FLOAT, length).subi(0.5).muli(amplitude);
      fed.addi(update);
      residual.addi(update);
      messages.clear();
      handler.broadcastUpdates(residual, step, 0);
      for (INDArray message : messages) {
        INDArray decoded = Nd4j.zeros(DataType.FLOAT, length);
        if (message.data().getInt(3) == ThresholdCompression.FLEXIBLE_ENCODING) {
          flow.sparseMessages++;
          Nd4j.getExecutioner().thresholdDecode(message, decoded);
        } else {
          flow.bitmapMessages++;
          Nd4j.getExecutioner().bitmapDecode(message, decoded);
        }
        sent.addi(decoded);
      }
    }
    flow.sent = sent.norm1Number().doubleValue();
    flow.lost = fed.sub(sent).subi(residual).norm1Number().doubleValue();
    return flow;
  }

  /** L1 norms of what was sent and lost, and the messages by encoding. */
  private static final class Flow {
    double sent;
    double lost;
    int sparseMessages;
    int bitmapMessages;

    @Override
    public String toString() {
      return "sent " + sent + ", lost " + lost + ", sparse messages " + sparseMessages
          + ", bitmap messages " + bitmapMessages;
    }
  }
}
