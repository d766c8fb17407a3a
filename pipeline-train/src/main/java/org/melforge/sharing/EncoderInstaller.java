package org.melforge.sharing;

import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.melforge.sharing.dl4j.LevelledEncodingHandler;
import org.melforge.sharing.dl4j.SharedWrapperAccess;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Makes gradient sharing on every executor encode with a {@link LevelledEncodingHandler}: each
 * training partition's batches pass through {@link SharedWrapperAccess#encodingWith}, which gives
 * this JVM's DL4J accumulator the levelled handler and its buffers before the first training step.
 * The Spark side of the DL4J fence's patch 1 ({@code org.melforge.sharing.dl4j}, see its
 * {@code package-info.java}); the DL4J internals stay there.
 */
final class EncoderInstaller implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int instance;
  private final long parameters;
  private final ThresholdAlgorithm threshold;
  private final ResidualPostProcessor residual;
  private final int levels;

  /**
   * Installs {@code levels} levels for {@code master}'s run of a model with {@code parameters}
   * parameters, with the threshold algorithm and residual post-processor the master was built with.
   */
  EncoderInstaller(SharedTrainingMaster master, long parameters, int levels) {
    this.instance = SharedWrapperAccess.instanceId(master);
    this.parameters = parameters;
    this.threshold = master.getThresholdAlgorithm();
    this.residual = master.getResidualPostProcessor();
    this.levels = levels;
  }

  /** {@code batches}, installing the encoder as the training job draws them. */
  JavaRDD<MultiDataSet> apply(JavaRDD<MultiDataSet> batches) {
    return batches.mapPartitions(this::installing, true);
  }

  private Iterator<MultiDataSet> installing(Iterator<MultiDataSet> batches) {
    return SharedWrapperAccess.encodingWith(instance, parties ->
        LevelledEncodingHandler.accumulator(parties, parameters, threshold, residual, levels, true),
        batches);
  }

  /** Writes {@code params} into the replica every executor trains. */
  void installParameters(SparkContext sc, INDArray params) {
    int id = instance;
    INDArray shipped = params.dup();
    ExecutorJobs.onEach(sc, () -> {
      SharedWrapperAccess.model(id).ifPresent(m -> m.setParams(shipped));
      return Boolean.TRUE;
    });
  }

  /** The parameters of the replica each executor trains, by executor id (flattened, 'c' order). */
  Map<String, float[]> replicaParameters(SparkContext sc) {
    int id = instance;
    return ExecutorJobs.onEach(sc, () -> SharedWrapperAccess.model(id)
        .map(m -> m.params().dup('c').reshape(-1).toFloatVector()).orElse(null));
  }

  /** What the encoders of this run have sent, summed over the executors. */
  LevelledEncodingHandler.Traffic traffic(SparkContext sc) {
    int id = instance;
    LevelledEncodingHandler.Traffic total = LevelledEncodingHandler.Traffic.NONE;
    for (LevelledEncodingHandler.Traffic sent : ExecutorJobs.onEach(sc,
        () -> SharedWrapperAccess.accumulator(id)
            .map(a -> a.getHandler() instanceof LevelledEncodingHandler h ? h.traffic() : null)
            .orElse(LevelledEncodingHandler.Traffic.NONE)).values()) {
      if (sent == null) {
        throw new IllegalStateException("an executor's gradient sharing does not encode with the"
            + " levelled handler");
      }
      total = total.plus(sent);
    }
    return total;
  }
}
