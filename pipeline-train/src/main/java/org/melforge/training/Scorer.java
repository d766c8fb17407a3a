package org.melforge.training;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.unsafe.types.UTF8String;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.melforge.data.FeatureTable;
import org.melforge.data.TensorBatches;
import org.melforge.metrics.EpochMetrics;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import scala.Tuple2;

/**
 * Runs a model over the rows of a features table where the rows are. The model (configuration and
 * parameters) is broadcast once; each executor builds it once per scorer and lends it to its tasks
 * in turn (a pool, so concurrent tasks never share a graph), and only what the partitions return
 * reaches the driver. {@link #metrics} gives a split's {@link EpochMetrics} (inference mode, beta
 * at the scorer's global step); {@link #map} runs any function over a split's batches, for jobs
 * that need more (per-example metrics, token export).
 *
 * <p>The batches are the split's rows in id order cut into batches of the scorer's size, whatever
 * the table's files and partitions: the same table written in another layout gives the same
 * batches, and {@link #metrics} the same numbers, bit for bit.
 *
 * <p>Close the scorer when done: it releases the broadcast.
 */
public final class Scorer implements AutoCloseable {

  /** A function run on an executor over one partition's batches, with the shared model. */
  @FunctionalInterface
  public interface PartitionFunction<T> extends Serializable {
    /** What the partition returns, given the model and its batches (ids and tensors). */
    Iterator<T> apply(TokenizerModel model, Iterator<Batch> batches) throws Exception;
  }

  /**
   * A batch of rows of one partition.
   *
   * @param ids the rows' ids, in batch order
   * @param validFrames the rows' valid (non-padded) frames, in batch order
   * @param tensors the rows' tensors (B, 1, n_mels, n_frames)
   */
  public record Batch(List<String> ids, List<Integer> validFrames, INDArray tensors) {}

  private static final AtomicLong BUILT = new AtomicLong();
  private static final int CACHED_SNAPSHOTS = 2;
  private static final Map<String, Deque<TokenizerModel>> POOLS = new LinkedHashMap<>(4, 0.75f, true);

  private final JavaSparkContext jsc;
  private final Broadcast<Snapshot> snapshot;
  private final int batchSize;
  private final long globalStep;

  private Scorer(JavaSparkContext jsc, Broadcast<Snapshot> snapshot, int batchSize,
      long globalStep) {
    this.jsc = jsc;
    this.snapshot = snapshot;
    this.batchSize = batchSize;
    this.globalStep = globalStep;
  }

  /**
   * A scorer of {@code model} as it is now (a copy of its parameters), in batches of
   * {@code batchSize}, losses weighted as at global step {@code globalStep}.
   */
  public static Scorer of(JavaSparkContext jsc, TokenizerModel model, int batchSize,
      long globalStep) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1: " + batchSize);
    }
    Snapshot s = new Snapshot(UUID.randomUUID().toString(), model.spec(),
        model.graph().getConfiguration().toJson(), model.graph().params().dup());
    return new Scorer(jsc, jsc.broadcast(s), batchSize, globalStep);
  }

  /**
   * The metrics of the model on {@code split} of {@code table} (empty for an empty split): each
   * batch's metrics are measured on an executor and merged on the driver in batch order, which
   * gives exactly the numbers of the batches added one by one in that order.
   */
  public EpochMetrics metrics(FeatureTable table, String split) {
    EpochMetrics total = new EpochMetrics(snapshot.value().layout());
    if (split.isEmpty() || table.count(split) == 0) {
      return total;
    }
    long step = globalStep;
    map(table, split, (model, batches) -> {
      List<EpochMetrics> perBatch = new ArrayList<>();
      while (batches.hasNext()) {
        EpochMetrics metrics = new EpochMetrics(model);
        MultiDataSet batch = model.evaluationBatch(batches.next().tensors(), step);
        metrics.add(model.activations(batch), batch);
        perBatch.add(metrics);
      }
      return perBatch.iterator();
    }).collect().forEach(total::merge);
    return total;
  }

  /**
   * {@code function} over every partition of {@code split} of {@code table}, lazily. Each
   * partition holds a run of consecutive batches (see the class comment), the partitions in batch
   * order, so {@code collect()} returns the results in batch order.
   */
  public <T> JavaRDD<T> map(FeatureTable table, String split, PartitionFunction<T> function) {
    TensorBatches tensors = table.batches(batchSize, false);
    Broadcast<Snapshot> shared = snapshot;
    return inBatchOrder(table, split).mapPartitions(partition -> {
      Snapshot s = shared.value();
      TokenizerModel model = s.borrow();
      try {
        List<T> out = new ArrayList<>();
        function.apply(model, batches(partition, tensors)).forEachRemaining(out::add);
        return out.iterator();
      } finally {
        s.giveBack(model);
      }
    });
  }

  /**
   * The rows of {@code split} (id, shape, valid frames and tensor) in id order, dealt into
   * partitions at batch boundaries: each partition holds a run of whole consecutive batches, about
   * equal in number, and its rows sorted by id. Only the ids are sorted across the split (a total
   * order, Spark SQL's, the same for any layout of the table) to find each partition's first id;
   * the tensors then move once, to the partition of their id's range.
   */
  private JavaRDD<Row> inBatchOrder(FeatureTable table, String split) {
    Dataset<Row> rows = table.split(split);
    long batches = Math.max(1, (table.count(split) + batchSize - 1) / batchSize);
    int partitions = (int) Math.min(batches, jsc.defaultParallelism());
    IdRanges ranges = new IdRanges(firstIds(rows, batches, partitions));
    return rows.select(TensorTable.ID, TensorTable.N_MELS, TensorTable.N_FRAMES,
            TensorTable.VALID_FRAMES, TensorTable.TENSOR)
        .javaRDD()
        .mapToPair(row -> new Tuple2<>(row.<String>getAs(TensorTable.ID), row))
        .repartitionAndSortWithinPartitions(ranges, IdRanges.ORDER)
        .values();
  }

  /**
   * The id of the first row of partitions 1 to {@code partitions - 1}, where partition k starts at
   * the first batch b with {@code b * partitions / batches >= k}; none for one partition.
   */
  private List<String> firstIds(Dataset<Row> rows, long batches, int partitions) {
    if (partitions == 1) {
      return List.of();
    }
    Set<Long> starts = new HashSet<>();
    for (long k = 1; k < partitions; k++) {
      starts.add((k * batches + partitions - 1) / partitions * batchSize);
    }
    List<String> ids = new ArrayList<>(rows.select(TensorTable.ID).orderBy(TensorTable.ID)
        .javaRDD().zipWithIndex()
        .filter(idAndPosition -> starts.contains(idAndPosition._2()))
        .map(idAndPosition -> idAndPosition._1().getString(0))
        .collect());
    ids.sort(IdRanges.ORDER);
    return ids;
  }

  /**
   * Partitions ids by range: partition k holds the ids from the k-th first id (inclusive) to the
   * next; ids compare as Spark SQL orders strings (their UTF-8 bytes, unsigned).
   */
  private static final class IdRanges extends Partitioner {
    static final Comparator<String> ORDER = (Comparator<String> & Serializable) (a, b) ->
        UTF8String.fromString(a).compareTo(UTF8String.fromString(b));

    private final List<String> firstIds;

    IdRanges(List<String> firstIds) {
      this.firstIds = firstIds;
    }

    @Override
    public int numPartitions() {
      return firstIds.size() + 1;
    }

    @Override
    public int getPartition(Object id) {
      int i = Collections.binarySearch(firstIds, (String) id, ORDER);
      return i >= 0 ? i + 1 : -i - 1;
    }
  }

  private static Iterator<Batch> batches(Iterator<Row> rows, TensorBatches tensors) {
    List<String> ids = new ArrayList<>();
    List<Integer> valid = new ArrayList<>();
    Iterator<Row> recorded = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row row = rows.next();
        ids.add(row.getAs(TensorTable.ID));
        valid.add(row.getAs(TensorTable.VALID_FRAMES));
        return row;
      }
    };
    Iterator<INDArray> arrays = tensors.iterator(recorded);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return arrays.hasNext();
      }

      @Override
      public Batch next() {
        INDArray x = arrays.next();
        int n = (int) x.size(0);
        Batch batch = new Batch(List.copyOf(ids.subList(0, n)), List.copyOf(valid.subList(0, n)), x);
        ids.subList(0, n).clear();
        valid.subList(0, n).clear();
        return batch;
      }
    };
  }

  /** Models built from scorers' broadcasts in this JVM so far (one per task running at once). */
  static long modelsBuilt() {
    return BUILT.get();
  }

  /** Releases the broadcast model. */
  @Override
  public void close() {
    snapshot.destroy();
  }

  /** A model as shipped to executors, with its per-JVM pool of built models. */
  private record Snapshot(String id, ModelSpec spec, String configuration, INDArray params)
      implements Serializable {

    TokenizerModel layout() {
      return TokenizerModel.layout(spec);
    }

    TokenizerModel borrow() {
      synchronized (POOLS) {
        Deque<TokenizerModel> pool = POOLS.get(id);
        if (pool != null && !pool.isEmpty()) {
          return pool.pop();
        }
      }
      ComputationGraph graph = new ComputationGraph(
          ComputationGraphConfiguration.fromJson(configuration));
      graph.init(params, true);
      BUILT.incrementAndGet();
      return TokenizerModel.wrap(spec, graph);
    }

    void giveBack(TokenizerModel model) {
      synchronized (POOLS) {
        POOLS.computeIfAbsent(id, k -> new ArrayDeque<>()).push(model);
        while (POOLS.size() > CACHED_SNAPSHOTS) {
          POOLS.remove(POOLS.keySet().iterator().next());
        }
      }
    }
  }
}
