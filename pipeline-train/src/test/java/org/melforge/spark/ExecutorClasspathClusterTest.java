package org.melforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.melforge.config.ConfigLoader;
import org.melforge.model.ModelSpec;
import org.melforge.model.TokenizerModel;
import org.melforge.training.Presets;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Executors of a local cluster (2 workers, each executor its own JVM) run this module's code: each
 * builds the {@code timbre-vae-tiny} tokenizer from its bundled preset, which needs our classes and
 * resources, DL4J, the ND4J native backend and the project's JVM flags on the executor, and
 * reconstructs a batch of zeros. Every executor deserialises with the {@code jdk.serialFilter} of
 * {@code conf/jvm.options}.
 */
@Tag(LocalCluster.TAG)
class ExecutorClasspathClusterTest {

  private static final String PRESET = "timbre-vae-tiny";
  private static final int BATCH = 2;
  private static final String SERIAL_FILTER = "-Djdk.serialFilter=";

  /**
   * What one task saw: its executor, the reconstruction's shape, ND4J's backend, the Aeron flag and
   * the JVM-wide deserialisation filter.
   */
  record Answer(String executorId, long pid, List<Long> shape, String backend, String aeronTimeout,
      String serialFilter) implements Serializable {}

  @AfterAll
  static void stopCluster() {
    LocalCluster.stop();
  }

  @Test
  void everyExecutorBuildsTheModelAndRunsAForwardPass() {
    SparkSession spark = LocalCluster.session(2, 1, 2048);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int tasks = 2 * jsc.defaultParallelism();
    List<Answer> answers = jsc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
        .map(ExecutorClasspathClusterTest::reconstructZeros)
        .collect();
    String filter = Arrays.stream(SparkRuntime.jvmOptions().split("\\s+"))
        .filter(f -> f.startsWith(SERIAL_FILTER)).findFirst()
        .map(f -> f.substring(SERIAL_FILTER.length()))
        .orElseThrow(() -> new AssertionError(SparkRuntime.JVM_OPTIONS_RESOURCE + " sets no " + SERIAL_FILTER));

    assertEquals(tasks, answers.size());
    assertEquals(Set.of("0", "1"), answers.stream().map(Answer::executorId).collect(Collectors.toSet()),
        answers::toString);
    for (Answer a : answers) {
      assertNotEquals(ProcessHandle.current().pid(), a.pid(), "a task ran in the driver JVM");
      assertEquals(List.of((long) BATCH, 1L, 80L, 128L), a.shape(), a::toString);
      assertTrue(Set.of("CpuBackend", "JCublasBackend").contains(a.backend()), a::toString);
      assertEquals("60000000000", a.aeronTimeout(), "conf/jvm.options did not reach the executor");
      assertEquals(filter, a.serialFilter(), "the executor's serial filter is not conf/jvm.options'");
    }
  }

  private static Answer reconstructZeros(int task) {
    ModelSpec spec = ModelSpec.from(ConfigLoader.load(Presets.load(PRESET), null, List.of()));
    INDArray out = TokenizerModel.create(spec, 1e-3, task)
        .reconstruct(Nd4j.zeros(DataType.FLOAT, BATCH, 1, spec.nMels(), spec.nFrames()));
    return new Answer(SparkEnv.get().executorId(), ProcessHandle.current().pid(),
        Arrays.stream(out.shape()).boxed().toList(),
        Nd4j.getBackend().getClass().getSimpleName(),
        System.getProperty("aeron.publication.unblock.timeout"),
        String.valueOf(ObjectInputFilter.Config.getSerialFilter()));
  }
}
