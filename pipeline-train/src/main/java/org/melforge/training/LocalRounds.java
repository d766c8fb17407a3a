package org.melforge.training;

import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.melforge.bottleneck.StatefulLayer;
import org.melforge.data.FeatureTable;
import org.melforge.data.SpecAugment;
import org.melforge.data.TensorBatches;
import org.melforge.metrics.EpochMetrics;
import org.melforge.model.TokenizerModel;
import org.melforge.sharing.EpochRounds;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * An epoch trained in this JVM: the split's rows stream through the driver in the epoch's
 * shuffled order ({@link FeatureTable#localExamples}), one step per batch, its input masked by
 * SpecAugment when enabled (the target stays clean); stateful layers apply their own statistics
 * after each step.
 */
final class LocalRounds implements EpochRounds {

  private final TokenizerModel model;
  private final Iterator<TensorBatches.Batch> batches;
  private final long planned;
  private final int stepsPerRound;
  private final long seed;
  private final SpecAugment.Epoch augment;
  private int skipped;

  LocalRounds(TokenizerModel model, FeatureTable table, String split, int batchSize,
      long shuffleSeed, int maxSteps, int stepsPerRound, long seed, SpecAugment.Epoch augment) {
    this.model = model;
    this.batches = table.localExamples(split, batchSize, shuffleSeed, false);
    long all = (table.count(split) + batchSize - 1) / batchSize;
    this.planned = maxSteps == 0 ? all : Math.min(all, maxSteps);
    this.stepsPerRound = stepsPerRound;
    this.seed = seed;
    this.augment = augment;
  }

  @Override
  public int rounds() {
    return (int) ((planned + stepsPerRound - 1) / stepsPerRound);
  }

  @Override
  public Round train(int round, long firstStep) {
    for (; skipped < (long) round * stepsPerRound && batches.hasNext(); skipped++) {
      batches.next();
    }
    EpochMetrics metrics = new EpochMetrics(model);
    BatchMetricsListener listener = new BatchMetricsListener(metrics);
    ComputationGraph graph = model.graph();
    graph.setListeners(listener);
    int steps = 0;
    long revived = 0;
    long end = Math.min(planned, (long) (round + 1) * stepsPerRound);
    for (; skipped < end && batches.hasNext(); skipped++, steps++) {
      long step = model.iterations();
      TensorBatches.Batch batch = batches.next();
      listener.batch = model.batch(augment.input(batch), batch.x(), step,
          new Random(seed * 1_000_003L + step));
      graph.fit(listener.batch);
      for (Layer layer : graph.getLayers()) {
        if (layer instanceof StatefulLayer s) {
          revived += s.lastRevived();
        }
      }
    }
    graph.setListeners();
    return new Round(metrics, steps, revived);
  }

  @Override
  public void close() {}

  /** Feeds each training step's forward-pass activations to the round's metrics. */
  private static final class BatchMetricsListener extends BaseTrainingListener {
    private final EpochMetrics metrics;
    private MultiDataSet batch;

    BatchMetricsListener(EpochMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
      metrics.add(activations, batch);
    }
  }
}
