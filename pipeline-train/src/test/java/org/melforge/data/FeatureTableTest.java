package org.melforge.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.ConfigLoader;
import org.melforge.features.FeaturesJob;
import org.melforge.features.FeaturesOptions;
import org.melforge.spark.TestSpark;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tables written by the real features job from the bundled samples, read back as batches. */
class FeatureTableTest {

  private static final Path SAMPLES = Path.of("../pipeline-features/sample-data").toAbsolutePath().normalize();

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static FeatureTable nsynth;
  private static Map<ByteBuffer, String> idByTensor;

  @BeforeAll
  static void writeTables() {
    spark = TestSpark.get();
    new FeaturesJob(spark, FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=\"" + SAMPLES.resolve("nsynth-mini") + "\"}, {path=\""
            + SAMPLES.resolve("librispeech-mini/LibriSpeech") + "\", split=hash}]",
        "features.output=\"" + tmp.resolve("features") + "\"")))).execute();
    nsynth = FeatureTable.open(spark, tmp.resolve("features/nsynth").toString());
    idByTensor = new HashMap<>();
    for (Row r : nsynth.split("train").select(TensorTable.ID, TensorTable.TENSOR).collectAsList()) {
      idByTensor.put(ByteBuffer.wrap(r.getAs(TensorTable.TENSOR)), r.getString(0));
    }
  }

  /** Row ids of an epoch, in batch order, found from each batch item's tensor bytes. */
  private static List<String> epochIds(Iterator<INDArray> batches, long batchSize) {
    List<String> ids = new ArrayList<>();
    while (batches.hasNext()) {
      INDArray batch = batches.next();
      assertTrue(batch.size(0) <= batchSize);
      for (int i = 0; i < batch.size(0); i++) {
        float[] values = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup().data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        String id = idByTensor.get(bytes);
        assertTrue(id != null, "batch item " + i + " equals the tensor bytes of no train row");
        ids.add(id);
      }
    }
    return ids;
  }

  @Test
  void shapeAndSplitCountsComeFromTheTable() {
    assertEquals(80, nsynth.nMels());
    assertEquals(128, nsynth.nFrames());
    assertEquals(Map.of("train", 14L, "valid", 2L), nsynth.splitCounts());
    assertEquals(14, nsynth.count("train"));
    assertEquals(0, nsynth.count("test"));
    FeatureTable speech = FeatureTable.open(spark, tmp.resolve("features/speech").toString());
    assertEquals(List.of(128, 320), List.of(speech.nMels(), speech.nFrames()));
    Map<String, Long> expected = new TreeMap<>(spark.read().parquet(tmp.resolve("features/speech").toString())
        .groupBy(TensorTable.SPLIT).count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1))));
    assertEquals(expected, speech.splitCounts());
    assertEquals(List.of("train", "valid"), List.copyOf(speech.splitCounts().keySet()),
        "split = hash gives the dev-clean sample both splits");
  }

  @Test
  void idOrderBatchesHoldTheRowsTensorBytes() {
    List<INDArray> batches = new ArrayList<>();
    nsynth.localBatches("train", 4, FeatureTable.ID_ORDER, false).forEachRemaining(batches::add);

    assertEquals(List.of(4L, 4L, 4L, 2L), batches.stream().map(b -> b.size(0)).toList());
    batches.forEach(b -> assertArrayEquals(new long[] {1, 80, 128}, new long[] {b.size(1), b.size(2), b.size(3)}));
    List<Row> rows = nsynth.split("train").orderBy(TensorTable.ID).collectAsList();
    for (int r = 0; r < rows.size(); r++) {
      float[] expected = new float[80 * 128];
      ByteBuffer.wrap(rows.get(r).getAs(TensorTable.TENSOR)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
          .get(expected);
      INDArray item = batches.get(r / 4).get(org.nd4j.linalg.indexing.NDArrayIndex.point(r % 4));
      assertArrayEquals(expected, item.dup().data().asFloat(), 0f, rows.get(r).<String>getAs(TensorTable.ID));
    }
    assertEquals(List.of(4L, 4L, 4L),
        iterate(nsynth.localBatches("train", 4, FeatureTable.ID_ORDER, true)).stream().map(b -> b.size(0)).toList());
  }

  @Test
  void shuffleIsReproduciblePerSeedAndLosesNoRow() {
    List<String> inIdOrder = epochIds(nsynth.localBatches("train", 5, FeatureTable.ID_ORDER, false), 5);
    List<String> seed1 = epochIds(nsynth.localBatches("train", 5, 1, false), 5);
    List<String> seed2 = epochIds(nsynth.localBatches("train", 5, 2, false), 5);

    assertEquals(inIdOrder.stream().sorted().toList(), inIdOrder);
    assertEquals(14, inIdOrder.size());
    assertEquals(inIdOrder, seed1.stream().sorted().toList(), "an epoch holds every row once");
    assertEquals(inIdOrder, seed2.stream().sorted().toList(), "an epoch holds every row once");
    assertEquals(seed1, epochIds(nsynth.localBatches("train", 5, 1, false), 5), "same seed, same order");
    assertNotEquals(seed1, seed2);
    assertNotEquals(inIdOrder, seed1);
  }

  @Test
  void executorsBatchTheirPartitions() {
    TensorBatches batches = nsynth.batches(3, false);
    List<Long> sizes = nsynth.split("train").javaRDD()
        .mapPartitions(rows -> {
          List<Long> out = new ArrayList<>();
          batches.iterator(rows).forEachRemaining(b -> out.add(b.size(0)));
          return out.iterator();
        }).collect();
    assertEquals(14, sizes.stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void rowsOfAnotherShapeAreRejectedNamingTheRow() {
    Iterator<INDArray> batches = new TensorBatches(128, 320, 4, false)
        .iterator(nsynth.split("train").orderBy(TensorTable.ID).toLocalIterator());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, batches::next);
    assertEquals("row 'bass_electronic_018-028-075.w0000' has tensor shape (80, 128), expected (128, 320)",
        e.getMessage());
  }

  @Test
  void tableMixingShapesIsRejected() {
    String mixed = tmp.resolve("mixed").toString();
    spark.read().parquet(tmp.resolve("features/nsynth").toString())
        .unionByName(spark.read().parquet(tmp.resolve("features/speech").toString()))
        .write().partitionBy(TensorTable.DATASET, TensorTable.SPLIT).parquet(mixed);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureTable.open(spark, mixed));
    assertTrue(e.getMessage().endsWith("mixes tensor shapes (n_mels, n_frames): (128, 320) in 17 rows, "
        + "(80, 128) in 16 rows"), e.getMessage());
  }

  @Test
  void foldersThatAreNoTensorTableAreRejectedBeforeAnyWork() {
    String other = tmp.resolve("other-parquet").toString();
    spark.read().parquet(tmp.resolve("features/nsynth").toString())
        .select(col(TensorTable.ID), col(TensorTable.N_MELS).cast("long"), col(TensorTable.TENSOR))
        .write().parquet(other);
    IllegalArgumentException schema = assertThrows(IllegalArgumentException.class,
        () -> FeatureTable.open(spark, other));
    assertTrue(schema.getMessage().contains("other-parquet is not a MelForge tensor table: missing column 'dataset';"
        + " missing column 'split';"), schema.getMessage());
    assertTrue(schema.getMessage().contains("column 'n_mels' is bigint, expected int"), schema.getMessage());
    IllegalArgumentException noFiles = assertThrows(IllegalArgumentException.class,
        () -> FeatureTable.open(spark, tmp.resolve("features/_errors").toString()));
    assertTrue(noFiles.getMessage().contains("_errors is not a MelForge tensor table: [UNABLE_TO_INFER_SCHEMA]"),
        noFiles.getMessage());
    IllegalArgumentException audio = assertThrows(IllegalArgumentException.class,
        () -> FeatureTable.open(spark, SAMPLES.resolve("nsynth-mini").toString()));
    assertTrue(audio.getMessage().contains("nsynth-mini is not a MelForge tensor table: its schema cannot be read"),
        audio.getMessage());
    assertTrue(audio.getMessage().contains("examples.json is not a Parquet file"), audio.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> FeatureTable.open(spark, tmp.resolve("nowhere").toString()));
    assertTrue(missing.getMessage().startsWith("tensor table folder does not exist: file:"), missing.getMessage());
    IllegalArgumentException split = assertThrows(IllegalArgumentException.class, () -> nsynth.split("test"));
    assertTrue(split.getMessage().endsWith("has no split 'test' (rows per split: {train=14, valid=2})"),
        split.getMessage());
  }

  @Test
  void statisticsAndIdentityPinTheTable() throws Exception {
    Path stats = tmp.resolve("features/nsynth.stats.json");
    assertEquals(stats.toUri().getPath(), java.net.URI.create(nsynth.statsPath()).getPath());
    assertEquals(Files.readString(stats), nsynth.statsJson());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(stats))),
        nsynth.statsSha256());

    TableIdentity identity = nsynth.identity();
    assertEquals(identity, TableIdentity.fromJson(identity.toJson()));
    assertTrue(identity.toJson().contains("\"split_counts\":{\"train\":14,\"valid\":2}"), identity.toJson());
    assertEquals(identity, FeatureTable.open(spark, tmp.resolve("features/./nsynth").toString()).identity());
    TableIdentity changed = new TableIdentity(identity.path(), identity.schemaVersion(), 80, 128,
        Map.of("train", 13L, "valid", 3L), identity.statsSha256());
    assertEquals(List.of("split_counts: {train=14, valid=2} vs {train=13, valid=3}"), identity.differences(changed));
    assertThrows(IllegalArgumentException.class, () -> TableIdentity.fromJson("{\"path\": \"x\"}"));
  }

  private static List<INDArray> iterate(Iterator<INDArray> batches) {
    List<INDArray> out = new ArrayList<>();
    batches.forEachRemaining(out::add);
    return out;
  }
}
