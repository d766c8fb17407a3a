package org.melforge.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.SparkRuntime;
import org.melforge.spark.TestSpark;
import org.melforge.training.JsonLines;
import org.melforge.training.SampleTables;

/**
 * The driver of a gradient-sharing run is killed (SIGKILL) in the middle of an epoch, right after a
 * timed mid-epoch checkpoint; {@code --resume} continues from that checkpoint: the round history
 * goes on from the checkpoint's step at the loss it had reached (means of two rounds: well below
 * the first rounds', near the last rounds' before the checkpoint), and the
 * run ends with every epoch in the history once. Driver and resumed run are separate JVMs running
 * the train CLI in Spark local mode with two workers.
 */
class KillDriverTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 240;

  @TempDir
  static Path tmp;

  private static SampleTables tables;

  @BeforeAll
  static void writeTables() {
    tables = SampleTables.write(TestSpark.get(), tmp.resolve("features"));
  }

  private static Process start(Path output, Path log, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(SparkRuntime.jvmOptions().trim().split("\\s+")));
    cmd.addAll(List.of("-Dspark.master=local[2]", "-cp", System.getProperty("java.class.path"),
        "org.melforge.training.TrainCli", "run", "--preset", "vqvae-80x128-tiny",
        "--table", tables.nsynth(), "--output", output.toString(), "--epochs", "4",
        "train.batch-size=2", "train.seed=5", "train.learning-rate=5e-3", "sharing.mode=shared",
        "sharing.sync-interval=1", "sharing.port=40311",
        "train.checkpoint-interval-minutes=1e-9"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** A complete mid-epoch checkpoint of epoch 3 (written after epoch 2, some rounds in). */
  private static Optional<Path> midEpochThree(Path output) throws IOException {
    if (!Files.isDirectory(output)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(output)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("epoch-0002-round-"))
          .filter(d -> Files.exists(d.resolve("checkpoint.json"))).findFirst();
    }
  }

  @Test
  void killedMidEpochResumesFromTheCheckpointWithTheLossItHadReached() throws Exception {
    Path out = tmp.resolve("run");
    Process driver = start(out, tmp.resolve("first.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    Optional<Path> mid = Optional.empty();
    while (mid.isEmpty() && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      mid = midEpochThree(out);
    }
    driver.destroyForcibly().waitFor();
    assertTrue(mid.isPresent(), "a mid-epoch checkpoint appeared before the run ended: "
        + Files.readString(tmp.resolve("first.log")).lines().filter(l -> l.contains("train"))
            .toList());
    JsonNode checkpoint = JSON.readTree(mid.get().resolve("checkpoint.json").toFile());
    long checkpointStep = checkpoint.get("global_step").asLong();
    List<JsonNode> before = JsonLines.read(out.resolve("rounds.jsonl"));
    double initialLoss = meanLoss(before.subList(0, 2));
    List<JsonNode> upToCheckpoint = before.stream()
        .filter(r -> r.get("global_step").asLong() <= checkpointStep).toList();
    double lossAtCheckpoint = meanLoss(upToCheckpoint.subList(upToCheckpoint.size() - 2,
        upToCheckpoint.size()));

    Process resumed = start(out, tmp.resolve("resumed.log"), "--resume");
    assertTrue(resumed.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "resumed run finished");
    String log = Files.readString(tmp.resolve("resumed.log"));
    assertEquals(0, resumed.exitValue(), log);
    assertTrue(log.contains("resuming after epoch 2 round " + checkpoint.get("round").asInt()),
        "resumed from the mid-epoch checkpoint");
    assertTrue(log.contains("taking over the lease") && log.contains("on this host has ended"),
        "the killed driver's lease is taken over at once: " + log.lines()
            .filter(l -> l.contains("lease")).toList());

    List<JsonNode> after = JsonLines.read(out.resolve("rounds.jsonl"));
    for (int i = 1; i < after.size(); i++) {
      assertTrue(after.get(i).get("global_step").asLong() > after.get(i - 1).get("global_step").asLong(),
          "round rows in step order, none twice: " + after);
    }
    List<JsonNode> resumedRows = after.stream()
        .filter(r -> r.get("global_step").asLong() > checkpointStep).toList();
    double loss = meanLoss(resumedRows.subList(0, 2));
    assertTrue(loss < 0.9 * initialLoss, "resumed at " + loss + ", not at the initial " + initialLoss);
    assertTrue(loss < 1.5 * lossAtCheckpoint,
        "resumed at " + loss + ", near the " + lossAtCheckpoint + " of the checkpoint");
    assertEquals(List.of(1, 2, 3, 4), JsonLines.read(out.resolve("history.jsonl")).stream()
        .map(r -> r.get("epoch").asInt()).toList());
  }

  /** Mean training loss of round rows. */
  private static double meanLoss(List<JsonNode> rows) {
    return rows.stream().mapToDouble(r -> r.get("train_total").asDouble()).average().orElseThrow();
  }
}
