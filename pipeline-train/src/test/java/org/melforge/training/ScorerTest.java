package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.data.FeatureTable;
import org.melforge.metrics.EpochMetrics;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.melforge.spark.TestSpark;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The public scorer, against the same model run batch by batch in the driver over the rows in id
 * order: the same metrics bit for bit, also from the same rows written in other files, every row
 * scored once with its own id, and models built per concurrent task rather than per partition.
 */
class ScorerTest {

  private static final int BATCH = 3;

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static FeatureTable table;
  private static TokenizerModel model;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.get();
    SampleTables tables = SampleTables.write(spark, tmp.resolve("features"));
    table = FeatureTable.open(spark, tables.speech());
    model = TokenizerModel.create(TinyPresets.spec("vqvae-128x320-tiny"), 1e-3, 3);
  }

  private static Scorer scorer() {
    return Scorer.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), model, BATCH, 0);
  }

  @Test
  void metricsEqualTheModelRunInTheDriver() {
    EpochMetrics expected = new EpochMetrics(model);
    Iterator<INDArray> batches = table.localBatches("train", BATCH, FeatureTable.ID_ORDER, false);
    while (batches.hasNext()) {
      MultiDataSet batch = model.evaluationBatch(batches.next(), 0);
      expected.add(model.activations(batch), batch);
    }
    EpochMetrics actual = metrics(table);
    assertEquals(table.count("train"), actual.examples());
    assertEquals(expected.summary(), actual.summary());
  }

  @Test
  void metricsDoNotDependOnTheTablesFilesAndPartitions() throws Exception {
    Path relaid = tmp.resolve("relaid").resolve("speech");
    spark.read().parquet(table.path()).repartition(4).write().parquet(relaid.toString());
    Files.copy(Path.of(java.net.URI.create(table.statsPath())),
        relaid.resolveSibling("speech.stats.json"));
    FeatureTable other = FeatureTable.open(spark, relaid.toString());
    assertNotEquals(table.split("train").javaRDD().getNumPartitions(),
        other.split("train").javaRDD().getNumPartitions(), "the layouts differ");
    assertEquals(metrics(table).summary(), metrics(other).summary());
  }

  private static EpochMetrics metrics(FeatureTable t) {
    try (Scorer scorer = scorer()) {
      return scorer.metrics(t, "train");
    }
  }

  @Test
  void mapSeesEveryRowOnceWithItsOwnTensorAndBuildsAModelPerTaskNotPerPartition() {
    Map<String, float[]> tensors = new HashMap<>();
    for (Row r : table.split("train").select(TensorTable.ID, TensorTable.TENSOR).collectAsList()) {
      ByteBuffer b = ByteBuffer.wrap((byte[]) r.get(1)).order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[b.remaining() / Float.BYTES];
      b.asFloatBuffer().get(v);
      tensors.put(r.getString(0), v);
    }
    long built = Scorer.modelsBuilt();
    List<String> seen = new ArrayList<>();
    int partitions;
    try (Scorer scorer = scorer()) {
      List<List<String>> perPartition = scorer.<List<String>>map(table, "train", (m, batches) -> {
        List<String> ids = new ArrayList<>();
        while (batches.hasNext()) {
          Scorer.Batch batch = batches.next();
          assertTrue(batch.ids().size() <= BATCH && batch.ids().size() == batch.tensors().size(0));
          for (int i = 0; i < batch.ids().size(); i++) {
            float[] row = batch.tensors().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i))
                .dup('c').reshape(-1).toFloatVector();
            if (!java.util.Arrays.equals(row, tensors.get(batch.ids().get(i)))) {
              throw new AssertionError("batch row " + i + " is not the tensor of "
                  + batch.ids().get(i));
            }
            ids.add(batch.ids().get(i));
          }
        }
        return List.of(ids).iterator();
      }).collect();
      perPartition.forEach(seen::addAll);
      partitions = perPartition.size();
      for (List<String> ids : perPartition.subList(0, partitions - 1)) {
        assertEquals(0, ids.size() % BATCH, "a partition ends at a batch boundary: " + ids.size());
      }
    }
    assertTrue(partitions > 1, "the test needs several partitions, got " + partitions);
    List<String> sorted = table.split("train").select(TensorTable.ID).orderBy(TensorTable.ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(sorted, seen, "the batches follow Spark SQL's id order across partitions");
    assertEquals(tensors.size(), seen.size(), "rows scored");
    assertEquals(tensors.keySet(), new java.util.HashSet<>(seen), "every row once");
    long models = Scorer.modelsBuilt() - built;
    int slots = spark.sparkContext().defaultParallelism();
    assertTrue(models >= 1 && models <= slots, models + " models built for " + partitions
        + " partitions with " + slots + " task slots");
  }
}
