package org.melforge.bench;

import org.deeplearning4j.optimize.solvers.accumulation.EncodingHandler;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.melforge.sharing.dl4j.LosslessThreshold;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Time per step of {@link LosslessThreshold} against DL4J's own encoding of the same update
 * ({@code EncodingHandler.broadcastUpdates}, message delivery left out), for an update of N
 * uniform values of which a given share is at or above the threshold.
 * Arguments: N, repetitions, share above the threshold.
 */
public final class GuardCost {

  private static final double THRESHOLD = 1e-3;

  private GuardCost() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int reps = Integer.parseInt(args[1]);
    double share = Double.parseDouble(args[2]);
    Nd4j.getRandom().setSeed(1);
    INDArray update = Nd4j.rand(DataType.FLOAT, 1, n).subi(0.5).muli(2 * THRESHOLD / (1 - share));
    EncodingHandler handler = new EncodingHandler(new FixedThresholdAlgorithm(THRESHOLD), null,
        null, false) {
      @Override
      protected void sendMessage(INDArray message, int iteration, int epoch) {}
    };
    LosslessThreshold guard = new LosslessThreshold(new FixedThresholdAlgorithm(THRESHOLD));
    double guardMs = 0;
    double encodeMs = 0;
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        guard.calculateThreshold(r, 0, null, null, null, update);
      }
      long t1 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        handler.broadcastUpdates(update.dup(), r, 0);
      }
      long t2 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        update.dup();
      }
      long t3 = System.nanoTime();
      guardMs = (t1 - t0) / 1e6 / reps;
      encodeMs = ((t2 - t1) - (t3 - t2)) / 1e6 / reps;
    }
    System.out.printf("n=%d share=%.3f guard %.3f ms encode %.3f ms guard/encode %.2f%n", n, share,
        guardMs, encodeMs, guardMs / encodeMs);
  }
}
