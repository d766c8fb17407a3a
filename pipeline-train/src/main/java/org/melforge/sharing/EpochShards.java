package org.melforge.sharing;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.melforge.data.FeatureTable;
import org.melforge.data.SpecAugment;
import org.melforge.data.TensorBatches;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One epoch of the train split, spread over the W workers: the split's rows are read once, hashed
 * into W partitions by the epoch's shuffle seed (a new order every epoch) and cached on the
 * executors; round {@code r} is the {@code r}-th run of {@code syncInterval} batches of every
 * partition, turned into {@link MultiDataSet}s on the executors. Batch {@code k} of a round is
 * global step {@code firstStep + k} on every worker: W batches of B make one step of W*B examples.
 *
 * <p>With {@code rampUp} (the first epoch of a fresh run) the rounds start short, 1, 1, 2, 4, ...
 * steps up to {@code syncInterval}: EMA codebooks change fastest at the start (the first update
 * revives nearly every code from encoder outputs), and a model trained for a whole round against
 * its initial random codebook was measured to lag one that synchronised after its first step.
 */
final class EpochShards implements AutoCloseable {

  private final JavaRDD<Row> rows;
  private final long[] batchesPerPartition;
  private final int batchSize;
  private final long[] starts;

  private EpochShards(JavaRDD<Row> rows, long[] batchesPerPartition, int batchSize,
      long[] starts) {
    this.rows = rows;
    this.batchesPerPartition = batchesPerPartition;
    this.batchSize = batchSize;
    this.starts = starts;
  }

  /**
   * Reads and caches the epoch's rows of {@code split}.
   *
   * @param maxSteps cap on batches per partition (0: none)
   */
  static EpochShards of(FeatureTable table, String split, int workers, long shuffleSeed,
      int batchSize, int syncInterval, int maxSteps, boolean rampUp) {
    JavaRDD<Row> rows = table.shuffled(split, workers, shuffleSeed)
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<Long> counts = rows.mapPartitions(it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return List.of(n).iterator();
    }).collect();
    long[] batches = new long[counts.size()];
    for (int p = 0; p < batches.length; p++) {
      batches[p] = (counts.get(p) + batchSize - 1) / batchSize;
      if (maxSteps > 0) {
        batches[p] = Math.min(batches[p], maxSteps);
      }
    }
    long most = 0;
    for (long b : batches) {
      most = Math.max(most, b);
    }
    return new EpochShards(rows, batches, batchSize, starts(most, syncInterval, rampUp));
  }

  /** First batch of every round, and the end: rounds of {@code interval} (ramped up) batches. */
  static long[] starts(long batches, int interval, boolean rampUp) {
    List<Long> starts = new ArrayList<>(List.of(0L));
    long length = rampUp ? 1 : interval;
    for (long at = 0; at < batches; ) {
      at = Math.min(batches, at + length);
      starts.add(at);
      if (starts.size() > 2) {
        length = Math.min(interval, 2 * length);
      }
    }
    return starts.stream().mapToLong(Long::longValue).toArray();
  }

  /** Rounds in the epoch. */
  int rounds() {
    return starts.length - 1;
  }

  /** Global steps of round {@code r}: the batches of its largest partition. */
  int steps(int r) {
    long most = 0;
    for (long b : batchesPerPartition) {
      most = Math.max(most, inRound(b, r));
    }
    return (int) most;
  }

  /** Batches of round {@code r}, all partitions. */
  long batches(int r) {
    long sum = 0;
    for (long b : batchesPerPartition) {
      sum += inRound(b, r);
    }
    return sum;
  }

  private long inRound(long batches, int r) {
    return Math.max(0, Math.min(starts[r + 1], batches) - starts[r]);
  }

  /** Round {@code r}'s batches, built on the executors; step of its first batch {@code firstStep}. */
  JavaRDD<MultiDataSet> round(int r, long firstStep, Batcher batcher) {
    long[] limits = batchesPerPartition.clone();
    long from = starts[r];
    long to = starts[r + 1];
    long skip = from * batchSize;
    return rows.mapPartitionsWithIndex((p, it) -> {
      for (long i = 0; i < skip && it.hasNext(); i++) {
        it.next();
      }
      long take = Math.max(0, Math.min(to, limits[p]) - from);
      return batcher.batches(it, take, firstStep, p);
    }, true);
  }

  @Override
  public void close() {
    rows.unpersist(false);
  }

  /**
   * Builds a worker's training batches on an executor: inputs and labels as in one JVM
   * ({@link TokenizerModel#batch}), the input masked by {@code augment} (SpecAugment, seeded by
   * the run's seed, the epoch and the row id; the labels stay clean), with the VAE's beta at the
   * batch's global step and its noise seeded by seed, step and partition.
   */
  record Batcher(ModelSpec spec, TensorBatches tensors, long seed, SpecAugment.Epoch augment)
      implements Serializable {

    Iterator<MultiDataSet> batches(Iterator<Row> rows, long take, long firstStep, int partition) {
      TokenizerModel layout = TokenizerModel.layout(spec);
      Iterator<TensorBatches.Batch> xs = tensors.examples(rows);
      List<MultiDataSet> out = new ArrayList<>();
      for (long k = 0; k < take && xs.hasNext(); k++) {
        long step = firstStep + k;
        TensorBatches.Batch batch = xs.next();
        out.add(layout.batch(augment.input(batch), batch.x(), step,
            new Random(seed * 1_000_003L + step * 7_919L + partition)));
      }
      return out.iterator();
    }
  }
}
