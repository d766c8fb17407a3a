package org.melforge.training;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.melforge.data.FeatureTable;
import org.melforge.data.TensorBatches;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Metrics of a model on a split, computed where the rows are: the model (configuration and
 * parameters) is broadcast, every partition measures its batches ({@link EpochMetrics}, inference
 * mode, beta at the given global step) and only the merged metrics come back to the driver.
 */
final class Evaluation {

  private Evaluation() {}

  /** The metrics of {@code model} on {@code split} (empty metrics for an empty split). */
  static EpochMetrics of(FeatureTable table, String split, TokenizerModel model, int batchSize,
      long globalStep) {
    EpochMetrics total = new EpochMetrics(model);
    if (split.isEmpty() || table.count(split) == 0) {
      return total;
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(
        table.split(split).sparkSession().sparkContext());
    Broadcast<Snapshot> snapshot = jsc.broadcast(new Snapshot(model.spec(),
        model.graph().getConfiguration().toJson(), model.graph().params().dup()));
    TensorBatches tensors = table.batches(batchSize, false);
    try {
      List<EpochMetrics> parts = table.split(split)
          .select(TensorTable.ID, TensorTable.N_MELS, TensorTable.N_FRAMES, TensorTable.TENSOR)
          .javaRDD()
          .mapPartitions(rows -> measure(snapshot.value(), tensors.iterator(rows), globalStep))
          .collect();
      parts.forEach(total::merge);
      return total;
    } finally {
      snapshot.destroy();
    }
  }

  private static Iterator<EpochMetrics> measure(Snapshot snapshot, Iterator<INDArray> batches,
      long globalStep) {
    if (!batches.hasNext()) {
      return Collections.emptyIterator();
    }
    TokenizerModel model = snapshot.model();
    EpochMetrics metrics = new EpochMetrics(model);
    while (batches.hasNext()) {
      MultiDataSet batch = model.evaluationBatch(batches.next(), globalStep);
      metrics.add(model.activations(batch), batch);
    }
    return List.of(metrics).iterator();
  }

  /** A model as shipped to executors. */
  private record Snapshot(ModelSpec spec, String configuration, INDArray params)
      implements Serializable {

    TokenizerModel model() {
      ComputationGraph graph = new ComputationGraph(
          ComputationGraphConfiguration.fromJson(configuration));
      graph.init(params, true);
      return TokenizerModel.wrap(spec, graph);
    }
  }
}
