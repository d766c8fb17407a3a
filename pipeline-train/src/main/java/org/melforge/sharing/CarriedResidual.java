package org.melforge.sharing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ResidualPostProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keeps each worker's gradient-sharing residual from one round to the next. DL4J drops every
 * worker's residual (the part of its updates not sent yet, being under the threshold) at the end of
 * each {@code fit}, that is each round, and small but steady updates then never travel. This
 * post-processor, which DL4J calls with the residual after every step, copies it aside per worker
 * slot (a {@code ParallelWrapper} thread, or the one worker of an executor) and adds the copy into
 * the fresh residual of the slot's first step of the next round. Optionally it also clips the
 * residual to {@code clip} thresholds (0: never), as DL4J's {@code ResidualClippingPostProcessor}.
 */
final class CarriedResidual implements ResidualPostProcessor {

  private static final long serialVersionUID = 1L;
  private static final String PARALLEL_WRAPPER_THREAD = "ParallelWrapper training thread";
  private static final Map<String, Slot> SLOTS = new ConcurrentHashMap<>();

  private final String runId;
  private final double clip;

  CarriedResidual(String runId, double clip) {
    this.runId = runId;
    this.clip = clip;
  }

  /** A worker's carried residual and the residual array it was copied from. */
  private static final class Slot {
    private INDArray carried;
    private INDArray source;
  }

  @Override
  public void processResidual(int iteration, int epoch, double lastThreshold, INDArray residual) {
    if (clip > 0) {
      double bound = clip * lastThreshold;
      Transforms.min(residual, bound, false);
      Transforms.max(residual, -bound, false);
    }
    Slot slot = SLOTS.computeIfAbsent(runId + "/" + slotName(), k -> new Slot());
    synchronized (slot) {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        if (slot.source != residual && slot.carried != null
            && slot.carried.length() == residual.length()) {
          residual.addi(slot.carried.castTo(residual.dataType()));
        }
        slot.source = residual;
        slot.carried = residual.dup();
      }
    }
  }

  /** Drops the carried residuals of run {@code runId} in this JVM. */
  static void forget(String runId) {
    SLOTS.keySet().removeIf(k -> k.startsWith(runId + "/"));
  }

  private static String slotName() {
    String thread = Thread.currentThread().getName();
    return thread.startsWith(PARALLEL_WRAPPER_THREAD) ? thread : "worker";
  }

  @Override
  public ResidualPostProcessor clone() {
    return new CarriedResidual(runId, clip);
  }
}
