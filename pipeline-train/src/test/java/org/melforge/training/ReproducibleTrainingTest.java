package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.SparkRuntime;
import org.melforge.spark.TestSpark;
import org.melforge.tensorstore.TensorTable;

/**
 * Same seed, same rows, same model: {@code vqvae-80x128-tiny} (EMA codebook with revival) and
 * {@code timbre-vae-tiny} (noise drawn per step) are trained for two epochs with
 * {@code sharing.mode = single} and {@code train.seed = 0} in two JVMs running at the same time,
 * each from the NSynth sample table in another file layout: the features job's (one file per
 * split) in the first; the same rows rewritten by Spark into five files per split (VQ-VAE) and
 * into one file holding both splits (VAE) in the second. Every checkpoint's {@code model.zip} is
 * the same byte for byte, and its {@code checkpoint.json}, {@code history.jsonl} and
 * {@code rounds.jsonl} hold the same values, except what is time by nature ({@code created_at},
 * {@code samples_per_second}, {@code wall_seconds}) and the table's and output's paths, which
 * differ by construction.
 */
class ReproducibleTrainingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 300;
  private static final String VQ = "vqvae-80x128-tiny";
  private static final String VAE = "timbre-vae-tiny";
  private static final List<String> TIMES = List.of("samples_per_second", "wall_seconds");

  @TempDir
  static Path tmp;

  private static String features;
  private static String fiveFilesPerSplit;
  private static String oneFile;

  @BeforeAll
  static void writeTheTableInThreeLayouts() throws IOException {
    SparkSession spark = TestSpark.get();
    features = SampleTables.writeNsynth(spark, tmp.resolve("features"));
    Dataset<Row> rows = spark.read().parquet(features);
    fiveFilesPerSplit = relaid(rows.repartition(5).write()
        .partitionBy(TensorTable.DATASET, TensorTable.SPLIT), "five");
    oneFile = relaid(rows.coalesce(1).write(), "one");
  }

  /** Writes the rows as table {@code layout/nsynth}, with the statistics beside it. */
  private static String relaid(org.apache.spark.sql.DataFrameWriter<Row> writer, String layout)
      throws IOException {
    Path table = tmp.resolve(layout).resolve("nsynth");
    writer.parquet(table.toString());
    Files.copy(Path.of(features + ".stats.json"), table.resolveSibling("nsynth.stats.json"));
    return table.toString();
  }

  @Test
  void twoJvmsTrainTheSameModelsFromTheSameRowsInOtherFiles() throws Exception {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    Process a = start(first, VQ + "=" + features, VAE + "=" + features);
    Process b = start(second, VQ + "=" + fiveFilesPerSplit, VAE + "=" + oneFile);
    finish(a, first);
    finish(b, second);
    for (String preset : List.of(VQ, VAE)) {
      Path x = first.resolve(preset);
      Path y = second.resolve(preset);
      assertEquals(List.of("epoch-0001/checkpoint.json", "epoch-0001/model.zip",
          "epoch-0002/checkpoint.json", "epoch-0002/model.zip", "history.csv", "history.jsonl",
          "rounds.csv", "rounds.jsonl"), files(x), preset + ": two epochs trained");
      assertEquals(files(x), files(y), preset);
      for (String epoch : List.of("epoch-0001", "epoch-0002")) {
        assertArrayEquals(Files.readAllBytes(x.resolve(epoch).resolve("model.zip")),
            Files.readAllBytes(y.resolve(epoch).resolve("model.zip")), preset + " " + epoch);
        assertEquals(checkpointInfo(x.resolve(epoch)), checkpointInfo(y.resolve(epoch)),
            preset + " " + epoch);
      }
      for (String history : List.of("history.jsonl", "rounds.jsonl")) {
        List<JsonNode> rows = rows(x.resolve(history));
        assertTrue(rows.size() >= 2, preset + " " + history + ": " + rows);
        assertEquals(rows, rows(y.resolve(history)), preset + " " + history);
      }
    }
  }

  /**
   * A JVM training each {@code preset=table} in turn ({@link #main}) into {@code output}, with the
   * test's classpath and the options the submit scripts give, in Spark local mode as the embedded
   * runner of {@code submit/train} does.
   */
  private static Process start(Path output, String... runs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(SparkRuntime.jvmOptions().trim().split("\\s+")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        ReproducibleTrainingTest.class.getName(), output.toString()));
    cmd.addAll(List.of(runs));
    Files.createDirectories(output);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(output.resolve("jvm.log").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static void finish(Process p, Path output) throws Exception {
    boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String log = Files.readString(output.resolve("jvm.log"));
    assertTrue(done, "training finished within " + TIMEOUT_SECONDS + " s: " + log);
    assertEquals(0, p.exitValue(), log);
  }

  /**
   * Trains each {@code preset=table} of {@code args[1..]} for two epochs, one JVM, seed 0, into
   * {@code args[0]/<preset>}, in order, with the train CLI; exits with the first code that is not 0.
   */
  public static void main(String[] args) {
    for (String run : Arrays.copyOfRange(args, 1, args.length)) {
      String[] presetAndTable = run.split("=", 2);
      int code = TrainCli.run(new String[] {"run", "--preset", presetAndTable[0], "--table",
          presetAndTable[1], "--output", Path.of(args[0], presetAndTable[0]).toString(),
          "--epochs", "2", "sharing.mode=single", "train.seed=0"});
      if (code != 0) {
        System.exit(code);
      }
    }
    System.exit(0);
  }

  /** The files under {@code dir}, relative, sorted, without Hadoop's hidden checksum files. */
  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .map(f -> dir.relativize(f).toString()).sorted().toList();
    }
  }

  /** {@code checkpoint.json} without its time and the table's and output's paths. */
  private static JsonNode checkpointInfo(Path checkpoint) throws IOException {
    ObjectNode info = (ObjectNode) JSON.readTree(checkpoint.resolve("checkpoint.json").toFile());
    info.remove(List.of("created_at", "stats_path"));
    ((ObjectNode) info.get("train")).remove(List.of("table", "output"));
    ((ObjectNode) info.get("features")).remove("path");
    return info;
  }

  /** The rows of a history file without their times. */
  private static List<JsonNode> rows(Path jsonl) throws IOException {
    List<JsonNode> rows = JsonLines.read(jsonl);
    rows.forEach(r -> ((ObjectNode) r).remove(TIMES));
    return rows;
  }
}
