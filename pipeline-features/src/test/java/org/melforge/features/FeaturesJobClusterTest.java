package org.melforge.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.ConfigLoader;
import org.melforge.spark.LocalCluster;
import org.melforge.spark.SparkRuntime;
import org.melforge.tensorstore.ErrorTable;
import org.melforge.tensorstore.TensorTable;
import scala.collection.JavaConverters;

/**
 * The features job on a local cluster (2 workers, executors in their own JVMs) gives exactly what
 * it gives in local mode: same counts, rows, tensor bytes and errors; executor-side accumulators
 * reach the driver. The local-mode reference runs first in this JVM and is stopped before the
 * cluster starts.
 */
@Tag(LocalCluster.TAG)
class FeaturesJobClusterTest {

  private static final List<String> PROFILES = List.of("nsynth", "speech");
  /** Largest value seen per "files done" accumulator of the cluster run. */
  private static final Map<String, Long> filesDone = new ConcurrentHashMap<>();

  @TempDir
  static Path tmp;

  private static Path nsynthRoot;
  private static FeaturesResult local;
  private static FeaturesResult cluster;
  private static SparkSession spark;

  @BeforeAll
  static void runLocallyThenOnTheCluster() throws IOException {
    nsynthRoot = TestCorpora.nsynthWithBadFiles(tmp);
    LocalCluster.stop();
    SparkSession localSpark = SparkRuntime.session("melforge-local-reference", Map.of(
        "spark.master", "local[2]",
        "spark.sql.shuffle.partitions", "4",
        "spark.default.parallelism", "4"));
    try {
      assertEquals("local[2]", localSpark.sparkContext().master());
      local = new FeaturesJob(localSpark, options("local")).execute();
    } finally {
      localSpark.stop();
    }
    spark = LocalCluster.session(2, 1, 1024);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted stage) {
        for (AccumulableInfo a : JavaConverters.asJavaIterable(stage.stageInfo().accumulables().values())) {
          if (a.name().isDefined() && a.name().get().startsWith("files done")) {
            filesDone.merge(a.name().get(), (Long) a.value().get(), Math::max);
          }
        }
      }
    });
    cluster = new FeaturesJob(spark, options("cluster")).execute();
  }

  private static FeaturesOptions options(String output) {
    return FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=\"" + nsynthRoot + "\"}, {path=\"" + TestCorpora.SAMPLE_LIBRISPEECH.toAbsolutePath() + "\"}]",
        "features.output=\"" + tmp.resolve(output) + "\"",
        "features.files-per-partition=4")));
  }

  @Test
  void executorsAreSeparateJvmsWithTheProjectJvmFlags() {
    List<LocalCluster.ExecutorJvm> jvms = LocalCluster.executorJvms(spark);
    assertEquals(2, jvms.size(), jvms::toString);
    List<String> flags = Arrays.asList(SparkRuntime.jvmOptions().split(" "));
    // Spark itself gives executors its --add-opens list; only conf/jvm.options has the Aeron timeout.
    assertTrue(flags.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"));
    assertTrue(flags.contains("-Daeron.publication.unblock.timeout=60000000000"));
    for (LocalCluster.ExecutorJvm jvm : jvms) {
      assertNotEquals(ProcessHandle.current().pid(), jvm.pid(), "a task ran in the driver JVM");
      assertTrue(jvm.jvmArguments().containsAll(flags), "executor JVM arguments " + jvm.jvmArguments());
    }
  }

  @Test
  void countsAreTheLocalRunsAndTheExpectedOnes() {
    assertEquals(counts(local), counts(cluster));
    assertEquals(Map.of(
        "nsynth", List.of(23L, 18L, 1L, 1L, 5L, 18L),
        "speech", List.of(8L, 8L, 0L, 0L, 0L, 17L)), counts(cluster));
    assertEquals(5.0 / 31, cluster.errorFraction(), 1e-12);
    assertFalse(cluster.passed());
  }

  @Test
  void executorAccumulatorsCountEveryDecodedFile() throws InterruptedException {
    Map<String, Long> expected = Map.of("files done nsynth", 21L, "files done speech", 8L);
    for (int i = 0; i < 100 && !filesDone.equals(expected); i++) {
      Thread.sleep(100); // listener events arrive asynchronously
    }
    assertEquals(expected, filesDone, "21 NSynth notes with entries and audio, 8 utterances");
  }

  @Test
  void tensorTablesAreIdenticalToTheLocalRun() {
    for (String profile : PROFILES) {
      List<Row> expected = rows(profile, "local", TensorTable.ID);
      List<Row> actual = rows(profile, "cluster", TensorTable.ID);
      assertEquals(ids(expected), ids(actual), profile);
      assertEquals(table(cluster, profile).tensors(), actual.size());
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i), actual.get(i), "row " + expected.get(i).getAs(TensorTable.ID));
      }
    }
  }

  @Test
  void errorTablesAreIdenticalToTheLocalRun() {
    List<Row> expected = rows("_errors", "local", ErrorTable.SOURCE_ID);
    assertEquals(6, expected.size(), "5 errors and 1 padded warning");
    assertEquals(expected, rows("_errors", "cluster", ErrorTable.SOURCE_ID));
  }

  @Test
  void statisticsAreTheLocalRunsUpToSummationOrder() throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (String profile : PROFILES) {
      JsonNode expected = json.readTree(tmp.resolve("local").resolve(profile + ".stats.json").toFile());
      JsonNode actual = json.readTree(tmp.resolve("cluster").resolve(profile + ".stats.json").toFile());
      assertStatsEqual(expected.path("all"), actual.path("all"), profile + " all");
      assertEquals(fieldNames(expected.path("splits")), fieldNames(actual.path("splits")));
      expected.path("splits").fieldNames().forEachRemaining(split -> assertStatsEqual(
          expected.path("splits").path(split), actual.path("splits").path(split), profile + " " + split));
    }
  }

  private static void assertStatsEqual(JsonNode expected, JsonNode actual, String what) {
    assertEquals(expected.path("tensors").asLong(), actual.path("tensors").asLong(), what);
    assertEquals(expected.path("bins").size(), actual.path("bins").size(), what);
    assertTrue(expected.path("bins").size() > 0, what);
    for (int m = 0; m < expected.path("bins").size(); m++) {
      JsonNode e = expected.path("bins").get(m);
      JsonNode a = actual.path("bins").get(m);
      assertEquals(e.path("count").asLong(), a.path("count").asLong(), what + " bin " + m);
      for (String field : List.of("mean", "std", "min", "max")) {
        assertEquals(e.path(field).asDouble(), a.path(field).asDouble(), 1e-12, what + " bin " + m + " " + field);
      }
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<Row> rows(String table, String run, String key) {
    return spark.read().parquet(tmp.resolve(run).resolve(table).toString())
        .orderBy(key).collectAsList();
  }

  private static List<Object> ids(List<Row> rows) {
    return rows.stream().map(r -> r.getAs(TensorTable.ID)).toList();
  }

  private static FeaturesResult.TableCounts table(FeaturesResult result, String profile) {
    return result.tables().stream().filter(t -> t.profile().equals(profile)).findFirst().orElseThrow();
  }

  /** inputs, ok, converted, padded, errors, tensors of each table. */
  private static Map<String, List<Long>> counts(FeaturesResult result) {
    return Map.of("nsynth", counts(table(result, "nsynth")), "speech", counts(table(result, "speech")));
  }

  private static List<Long> counts(FeaturesResult.TableCounts t) {
    return List.of(t.inputs(), t.ok(), t.converted(), t.padded(), t.errors(), t.tensors());
  }
}
