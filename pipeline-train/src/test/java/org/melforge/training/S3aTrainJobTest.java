package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.CliRun;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.checkpoint.Checkpoints;
import org.melforge.checkpoint.OutputLease;
import org.melforge.data.FeatureTable;
import org.melforge.metrics.MetricsHistory;
import org.melforge.spark.S3Endpoint;
import org.melforge.spark.TestSpark;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The train job reading its table from and writing its output to {@code s3a://} through Hadoop's
 * S3A connector, against a real S3 endpoint in this JVM ({@link S3Endpoint}), run through the
 * command line as {@code submit/train} runs it: a one-epoch run of {@code vqvae-80x128-tiny}
 * (one step, batch 4) leaves a complete checkpoint and the histories in the bucket, with no
 * temporary object of the rename-by-copy commits and no lease left behind; {@code --resume} to two
 * epochs continues the global step and keeps the first history row; {@link Checkpoint#open} reads
 * the newest checkpoint back from the bucket and its model reconstructs; and the output lease
 * keeps a second run out of a folder in the bucket.
 */
class S3aTrainJobTest {

  private static final String BUCKET = "melforge-s3a-train";
  private static final String ROOT = "s3a://" + BUCKET;
  private static final String TABLE = ROOT + "/features/nsynth";
  private static final String OUTPUT = ROOT + "/run";
  private static final String PRESET = "vqvae-80x128-tiny";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static Configuration hadoop;
  private static S3Endpoint s3;
  private static CliRun first;
  private static List<String> afterFirst;
  private static List<String> keysAfterFirst;
  private static List<JsonNode> historyAfterFirst;
  private static CliRun resumed;
  private static List<String> afterResume;
  private static List<String> keysAfterResume;


  @BeforeAll
  static void trainAndResume() throws Exception {
    spark = TestSpark.get();
    hadoop = spark.sparkContext().hadoopConfiguration();
    s3 = S3Endpoint.start();
    s3.createBucket(BUCKET);
    s3.configure(hadoop);
    SampleTables.write(spark, tmp.resolve("features"));
    s3.upload(tmp.resolve("features"), BUCKET, "features");

    first = train("--epochs", "1");
    afterFirst = files(OUTPUT);
    keysAfterFirst = s3.keys(BUCKET, "run/");
    historyAfterFirst = history();
    resumed = train("--epochs", "2", "--resume");
    afterResume = files(OUTPUT);
    keysAfterResume = s3.keys(BUCKET, "run/");
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  private static CliRun train(String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--preset", PRESET, "--table", TABLE,
        "--output", OUTPUT, "sharing.mode=single", "train.batch-size=4",
        "train.max-batches-per-epoch=1", "train.seed=7"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static CliRun run(String... args) {
    return CliRun.of(TrainCli::run, args);
  }

  /** Every file below {@code uri}, relative to it and sorted, as the Hadoop file system lists them. */
  private static List<String> files(String uri) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(uri);
    FileSystem fs = root.getFileSystem(hadoop);
    String prefix = fs.makeQualified(root) + "/";
    TreeSet<String> out = new TreeSet<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      String path = it.next().getPath().toString();
      assertTrue(path.startsWith(prefix), path + " below " + prefix);
      out.add(path.substring(prefix.length()));
    }
    return List.copyOf(out);
  }

  private static List<JsonNode> history() throws IOException {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(OUTPUT, MetricsHistory.JSONL);
    List<JsonNode> rows = new ArrayList<>();
    try (InputStream in = file.getFileSystem(hadoop).open(file)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        rows.add(JSON.readTree(line));
      }
    }
    return rows;
  }

  @Test
  void theOutputIsOnS3a() throws IOException {
    assertTrue(new org.apache.hadoop.fs.Path(OUTPUT).getFileSystem(hadoop) instanceof S3AFileSystem,
        "the real S3A connector, not a stand-in");
  }

  @Test
  void aRunWritesItsCheckpointAndHistoriesIntoTheBucket() throws IOException {
    assertEquals(TrainCli.OK, first.code(), first.err());
    JsonNode result = JSON.readTree(first.lastLine());
    assertEquals(List.of(0, 1, 1L), List.of(result.path("start_epoch").asInt(),
        result.path("epochs").asInt(), result.path("global_step").asLong()), result.toString());
    assertEquals(OUTPUT + "/epoch-0001", result.path("last_checkpoint").asText());
    assertEquals(List.of("epoch-0001/" + Checkpoints.INFO, "epoch-0001/" + Checkpoints.MODEL,
        MetricsHistory.CSV, MetricsHistory.JSONL, MetricsHistory.ROUNDS_CSV,
        MetricsHistory.ROUNDS_JSONL), afterFirst);
    assertEquals(1, historyAfterFirst.size(), historyAfterFirst.toString());
    assertEquals(1, historyAfterFirst.get(0).path("global_step").asLong());
  }

  /**
   * {@code checkpoint.json} and the histories are committed by a rename, which S3A does as a copy
   * and a delete: the objects in the bucket are exactly the files, with no temporary name, no
   * directory marker and no lease ({@link OutputLease} is released when the run ends).
   */
  @Test
  void renameByCopyAndTheLeaseLeaveNoObjectBehind() {
    assertEquals(afterFirst.stream().map(f -> "run/" + f).toList(), keysAfterFirst);
    assertEquals(afterResume.stream().map(f -> "run/" + f).toList(), keysAfterResume);
    assertFalse(keysAfterResume.stream().anyMatch(k -> k.contains(".tmp")
        || k.endsWith(OutputLease.FILE)), keysAfterResume.toString());
  }

  @Test
  void resumeContinuesTheGlobalStepAndKeepsTheHistory() throws IOException {
    assertEquals(TrainCli.OK, resumed.code(), resumed.err());
    JsonNode result = JSON.readTree(resumed.lastLine());
    assertEquals(List.of(1, 2, 2L), List.of(result.path("start_epoch").asInt(),
        result.path("epochs").asInt(), result.path("global_step").asLong()), result.toString());
    assertTrue(afterResume.containsAll(afterFirst), afterResume::toString);
    assertTrue(afterResume.containsAll(List.of("epoch-0002/" + Checkpoints.INFO,
        "epoch-0002/" + Checkpoints.MODEL)), afterResume::toString);
    List<JsonNode> rows = history();
    assertEquals(2, rows.size(), rows.toString());
    assertEquals(List.of(1, 2), rows.stream().map(r -> r.path("epoch").asInt()).toList());
    assertEquals(List.of(1L, 2L), rows.stream().map(r -> r.path("global_step").asLong()).toList());
    assertEquals(historyAfterFirst.get(0), rows.get(0), "the resumed epoch's row is kept");
  }

  @Test
  void theCheckpointOpensFromTheBucketAndItsModelReconstructs() {
    Checkpoint newest = Checkpoint.open(OUTPUT, hadoop);
    assertEquals(OUTPUT + "/epoch-0002", newest.dir().toString());
    assertEquals(List.of(2, 2L), List.of(newest.info().epoch(), newest.info().globalStep()));
    assertEquals(PRESET, newest.info().model().preset());
    assertEquals(TABLE, newest.table().path());

    FeatureTable table = FeatureTable.open(spark, TABLE);
    INDArray x = table.localBatches("train", 4, 7, false).next();
    INDArray reconstruction = newest.model().reconstruct(x);
    assertArrayEquals(x.shape(), reconstruction.shape());
    assertTrue(Double.isFinite(reconstruction.sumNumber().doubleValue()), "finite reconstruction");
    INDArray afterOneEpoch = Checkpoint.open(OUTPUT + "/epoch-0001", hadoop).model().reconstruct(x);
    assertNotEquals(0.0, reconstruction.sub(afterOneEpoch).amaxNumber().doubleValue(),
        "the second epoch's checkpoint holds the trained-on parameters, not the first's");
  }

  @Test
  void theLeaseKeepsASecondRunOutOfAFolderInTheBucket() throws IOException {
    String held = ROOT + "/held";
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(held);
    try (OutputLease lease = OutputLease.acquire(root.getFileSystem(hadoop), root, "another train job")) {
      CliRun r = run("run", "--preset", PRESET, "--table", TABLE, "--output", held, "--epochs", "1",
          "sharing.mode=single", "train.max-batches-per-epoch=1");
      assertEquals(TrainCli.USAGE, r.code(), r.err());
      assertTrue(r.err().contains("is in use by run") && r.err().contains("another train job"), r.err());
      assertEquals(List.of(OutputLease.FILE), files(held), "nothing written but the lease");
    }
    assertEquals(List.of(), files(held), "the lease is removed when released");
  }
}
