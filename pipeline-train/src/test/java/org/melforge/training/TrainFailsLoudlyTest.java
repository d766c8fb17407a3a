package org.melforge.training;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.CliRun;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.checkpoint.Checkpoints;
import org.melforge.checkpoint.OutputLease;
import org.melforge.metrics.MetricsHistory;
import org.melforge.spark.TestSpark;
import org.melforge.tensorstore.TensorTable;

/**
 * The train job fed what a production job meets, through its command line: each case asserts the
 * exit code (2: refused, nothing ran; 1: failed after training started), the message naming the
 * row, file, folder or key, and that earlier outputs are intact.
 */
class TrainFailsLoudlyTest {

  private static final String PRESET = "vqvae-80x128-tiny";

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static String nsynth;
  private static String firstId;

  @BeforeAll
  static void writeTable() {
    spark = TestSpark.get();
    nsynth = SampleTables.write(spark, tmp.resolve("features")).nsynth();
    firstId = spark.read().parquet(nsynth).select(TensorTable.ID).orderBy(TensorTable.ID)
        .first().getString(0);
  }


  private static CliRun run(String... args) {
    return CliRun.of(TrainCli::run, args);
  }

  private static CliRun train(String table, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--preset", PRESET, "--table", table,
        "--output", output.toString(), "train.max-batches-per-epoch=1", "sharing.mode=single"));
    if (!List.of(extra).contains("--epochs")) {
      args.addAll(List.of("--epochs", "1"));
    }
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** A copy of the NSynth table (with its statistics) whose row {@code id} has {@code value} at (3, 5). */
  private static String tableWith(String name, String id, float value) throws IOException {
    Path out = tmp.resolve(name).resolve("nsynth");
    spark.udf().register("poison_" + name, (UDF2<String, byte[], byte[]>) (rowId, tensor) -> {
      if (!rowId.equals(id)) {
        return tensor;
      }
      byte[] copy = tensor.clone();
      ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putFloat((3 * 128 + 5) * 4, value);
      return copy;
    }, DataTypes.BinaryType);
    Dataset<Row> rows = spark.read().parquet(nsynth);
    rows.withColumn(TensorTable.TENSOR, callUDF("poison_" + name, col(TensorTable.ID),
        col(TensorTable.TENSOR))).write().partitionBy(TensorTable.DATASET, TensorTable.SPLIT)
        .parquet(out.toString());
    Files.copy(Path.of(nsynth + ".stats.json"), tmp.resolve(name).resolve("nsynth.stats.json"));
    return out.toString();
  }

  private static List<String> folders(Path output) throws IOException {
    try (Stream<Path> s = Files.list(output)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("epoch-")).sorted()
          .toList();
    }
  }

  @Test
  void aNonFiniteOrOutOfRangeTensorStopsTheRunNamingTheRowOrIsSkippedWhenAsked()
      throws IOException {
    String nan = tableWith("nan", firstId, Float.NaN);
    CliRun stopped = train(nan, tmp.resolve("nan-run"));
    assertEquals(TrainCli.USAGE, stopped.code(), stopped.err());
    assertTrue(stopped.err().contains(firstId + " (value NaN at (mel 3, frame 5))")
        && stopped.err().contains("train.bad-rows = skip"), stopped.err());
    assertFalse(Files.exists(tmp.resolve("nan-run").resolve("epoch-0001")), "nothing trained");

    String big = tableWith("big", firstId, 1.5f);
    CliRun refused = train(big, tmp.resolve("big-run"));
    assertEquals(TrainCli.USAGE, refused.code(), refused.err());
    assertTrue(refused.err().contains("value 1.5 outside [-1.0, 1.0]"), refused.err());

    CliRun skipped = train(nan, tmp.resolve("skip-run"), "train.bad-rows=skip");
    assertEquals(TrainCli.OK, skipped.code(), skipped.err());
    Checkpoint c = Checkpoint.open(tmp.resolve("skip-run").toString(), new Configuration());
    long all = spark.read().parquet(nsynth).count();
    long trained = c.table().splitCounts().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(all - 1, trained, "the bad row left out of the table identity");
  }

  @Test
  void aCorruptParquetPageWithoutChecksumSidecarIsRefusedNamingTheFile() throws IOException {
    String copy = tableWith("flipped", "no-such-id", 0f);
    Path file;
    try (Stream<Path> s = Files.walk(Path.of(copy))) {
      file = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    try (Stream<Path> s = Files.walk(Path.of(copy))) {
      for (Path crc : s.filter(p -> p.toString().endsWith(".crc")).toList()) {
        Files.delete(crc);
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < 64; i++) {
      bytes[bytes.length / 3 + i] ^= 0x55;
    }
    Files.write(file, bytes);
    CliRun r = train(copy, tmp.resolve("flipped-run"));
    assertEquals(TrainCli.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("cannot be read") && r.err().contains(file.getFileName()
        .toString()), r.err());
  }

  @Test
  void aSecondRunOnTheSameOutputFailsAtOnceNamingTheHolder() throws IOException {
    Path output = tmp.resolve("held");
    FileSystem fs = FileSystem.getLocal(new Configuration());
    try (OutputLease held = OutputLease.acquire(fs, new org.apache.hadoop.fs.Path(
        output.toUri()), "another train job")) {
      CliRun r = train(nsynth, output);
      assertEquals(TrainCli.USAGE, r.code(), r.err());
      assertTrue(r.err().contains("is in use by run") && r.err().contains("another train job")
          && r.err().contains("process " + ProcessHandle.current().pid()), r.err());
      assertFalse(Files.exists(output.resolve("epoch-0001")));
    }
    assertEquals(TrainCli.OK, train(nsynth, output).code(), "free again once released");
    assertFalse(Files.exists(output.resolve(OutputLease.FILE)), "released at the end");
  }

  @Test
  void aFreshRunIntoAUsedFolderIsRefusedUnlessResumingOrOverwriting() throws IOException {
    Path output = tmp.resolve("used");
    assertEquals(TrainCli.OK, train(nsynth, output, "--epochs", "2").code());
    assertEquals(List.of("epoch-0001", "epoch-0002"), folders(output));
    CliRun refused = train(nsynth, output);
    assertEquals(TrainCli.USAGE, refused.code(), refused.err());
    assertTrue(refused.err().contains("already holds checkpoints [epoch-0001, epoch-0002] and a"
        + " metrics history") && refused.err().contains("--resume")
        && refused.err().contains("--overwrite"), refused.err());
    assertEquals(List.of("epoch-0001", "epoch-0002"), folders(output), "left intact");

    CliRun replaced = train(nsynth, output, "--overwrite");
    assertEquals(TrainCli.OK, replaced.code(), replaced.err());
    assertEquals(List.of("epoch-0001"), folders(output), "no stale higher checkpoint remains");
    assertEquals(1, JsonLines.read(output.resolve(MetricsHistory.JSONL)).size());
  }

  @Test
  void resumeRefusesALostHistoryAndFallsBackPastACorruptCheckpoint() throws IOException {
    Path output = tmp.resolve("resume");
    assertEquals(TrainCli.OK, train(nsynth, output, "--epochs", "2").code());
    Files.writeString(output.resolve("epoch-0002").resolve(Checkpoints.INFO), "{}");
    Files.deleteIfExists(output.resolve("epoch-0002").resolve("." + Checkpoints.INFO + ".crc"));
    CliRun fallback = train(nsynth, output, "--epochs", "2", "--resume");
    assertEquals(TrainCli.OK, fallback.code(), fallback.err());
    assertTrue(fallback.out().contains("epochs 2..2"), fallback.out());

    Files.delete(output.resolve(MetricsHistory.JSONL));
    CliRun lost = train(nsynth, output, "--epochs", "3", "--resume");
    assertEquals(TrainCli.USAGE, lost.code(), lost.err());
    assertTrue(lost.err().contains("lacks the rows of epochs [1, 2]"), lost.err());
    assertEquals(List.of("epoch-0001", "epoch-0002"), folders(output));
  }

  /**
   * Turns the last 16 parameters in {@code dir}'s {@code model.zip} into about 8e37 (bytes 0x7e, the
   * same value in either byte order) and records the file's new hash: a model about to overflow.
   */
  private static void poisonParameters(Path dir) throws Exception {
    Path zip = dir.resolve(Checkpoints.MODEL);
    ByteArrayOutputStream patched = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
        ZipOutputStream out = new ZipOutputStream(patched)) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] bytes = in.readAllBytes();
        if (e.getName().equals("coefficients.bin")) {
          java.util.Arrays.fill(bytes, bytes.length - 64, bytes.length, (byte) 0x7e);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(bytes);
      }
    }
    Files.write(zip, patched.toByteArray());
    ObjectMapper json = new ObjectMapper();
    ObjectNode info = (ObjectNode) json.readTree(dir.resolve(Checkpoints.INFO).toFile());
    ((ObjectNode) info.get("sha256")).put(Checkpoints.MODEL, HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(patched.toByteArray())));
    json.writeValue(dir.resolve(Checkpoints.INFO).toFile(), info);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path crc : s.filter(p -> p.toString().endsWith(".crc")).toList()) {
        Files.delete(crc);
      }
    }
  }

  @Test
  void aNonFiniteLossStopsWithExitOneAndWritesNoCheckpoint() throws Exception {
    Path output = tmp.resolve("diverged");
    assertEquals(TrainCli.OK, train(nsynth, output).code());
    poisonParameters(output.resolve("epoch-0001"));
    CliRun r = train(nsynth, output, "--epochs", "2", "--resume");
    assertEquals(TrainCli.FAILED, r.code(), r.err());
    assertTrue(r.err().contains("epoch 2 round 1: training loss is not finite")
        && r.err().contains("stopped without a checkpoint"), r.err());
    assertEquals(List.of("epoch-0001"), folders(output));
    assertEquals(1, JsonLines.read(output.resolve(MetricsHistory.JSONL)).size(),
        "no history row for the failed epoch");
  }

  @Test
  void anUnwritableOutputOrATakenTransportPortExitTwoBeforeTraining() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
    CliRun unwritable = train(nsynth, file.resolve("out"));
    assertEquals(TrainCli.USAGE, unwritable.code(), unwritable.err());
    assertTrue(unwritable.err().contains("is not writable"), unwritable.err());

    try (DatagramSocket taken = new DatagramSocket(0)) {
      int port = taken.getLocalPort();
      CliRun r = train(nsynth, tmp.resolve("port-run"), "sharing.mode=shared",
          "sharing.port=" + port);
      assertEquals(TrainCli.USAGE, r.code(), r.err());
      assertTrue(r.err().contains("sharing.port: UDP port " + port + " is in use"), r.err());
      assertFalse(Files.exists(tmp.resolve("port-run").resolve("epoch-0001")));
    }
  }
}
