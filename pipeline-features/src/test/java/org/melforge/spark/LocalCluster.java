package org.melforge.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark session on {@code local-cluster[workers,cores,memory]} for tests: a standalone master and
 * its workers run in this JVM and every executor is a separate JVM started by its worker, as on a
 * standalone cluster. Whatever a job ships to executors is really serialized, and executors get
 * only the JVM flags the session gives them ({@code spark.executor.extraJavaOptions}, set by
 * {@link SparkRuntime} from {@code conf/jvm.options}).
 *
 * <p>What it takes without a Spark installation, in Spark's non-testing mode:
 * <ul>
 *   <li>{@code SPARK_HOME} in the environment of this JVM: a worker builds the executor command
 *       from it (it must hold a {@code jars} folder, which may be empty; this class creates it)
 *       and keeps its work folders there, executor {@code stdout}/{@code stderr} included. Without
 *       it a worker would use the current folder. The {@code local-cluster} surefire execution sets
 *       it to {@code target/local-cluster}, and {@code SPARK_LOCAL_IP} to loopback.
 *   <li>the executor classpath: {@code spark.executor.extraClassPath} is this JVM's
 *       {@code java.class.path}, which surefire sets to the whole test classpath even when the fork
 *       boots from a manifest-only jar.
 *   <li>{@code SPARK_SCALA_VERSION}, which the executor command builder requires when
 *       {@code SPARK_HOME} is no Spark build: given to workers as
 *       {@code spark.executorEnv.SPARK_SCALA_VERSION}.
 * </ul>
 *
 * <p>A JVM holds one SparkContext, so this cannot share a JVM with {@link TestSpark}'s session:
 * test classes using it are tagged {@value #TAG}; surefire's default execution excludes the tag and
 * a second execution runs only it, in its own forked JVM. Its test classes share the session while
 * they ask for the same shape; asking for another shape stops it and starts a new cluster.
 */
public final class LocalCluster {

  /** JUnit tag of the test classes that need a local-cluster session. */
  public static final String TAG = "local-cluster";

  private static final long REGISTRATION_TIMEOUT_MS = 60_000;

  private static SparkSession session;

  private LocalCluster() {}

  /**
   * The session on {@code local-cluster[workers,coresPerWorker,memoryMbPerWorker]}, started on
   * first use; returns once every worker's executor has registered. Executors get the whole of
   * their worker's memory.
   *
   * @throws IllegalStateException when another SparkContext is running in this JVM, when
   *     {@code SPARK_HOME} is not set, or when executors do not register within a minute
   */
  public static synchronized SparkSession session(int workers, int coresPerWorker, int memoryMbPerWorker) {
    String master = "local-cluster[" + workers + "," + coresPerWorker + "," + memoryMbPerWorker + "]";
    if (session != null && !session.sparkContext().isStopped() && session.sparkContext().master().equals(master)) {
      return session;
    }
    stop();
    requireNoOtherContext();
    Path sparkHome = sparkHome();
    session = SparkRuntime.session("melforge-local-cluster-tests", Map.of(
        "spark.master", master,
        "spark.executor.memory", memoryMbPerWorker + "m",
        "spark.executor.extraClassPath", System.getProperty("java.class.path"),
        "spark.executorEnv.SPARK_SCALA_VERSION", scalaBinaryVersion(),
        "spark.sql.shuffle.partitions", String.valueOf(2 * workers * coresPerWorker),
        "spark.default.parallelism", String.valueOf(2 * workers * coresPerWorker),
        "spark.ui.enabled", "false",
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1"));
    awaitExecutors(workers, sparkHome.resolve("work"));
    return session;
  }

  /** Stops the session and its cluster, if one is running. */
  public static synchronized void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
  }

  /** One executor JVM: its process id and its JVM arguments. */
  public record ExecutorJvm(long pid, List<String> jvmArguments) implements Serializable {}

  /**
   * The distinct JVMs that ran the tasks of a small job on {@code spark} (twice as many tasks as its
   * default parallelism), as seen from inside the tasks.
   */
  public static List<ExecutorJvm> executorJvms(SparkSession spark) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int tasks = 2 * jsc.defaultParallelism();
    return jsc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
        .map(i -> new ExecutorJvm(ProcessHandle.current().pid(),
            List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments())))
        .distinct()
        .collect();
  }

  private static void requireNoOtherContext() {
    for (var other : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
      if (other.isDefined() && !other.get().sparkContext().isStopped()) {
        throw new IllegalStateException("a SparkContext on " + other.get().sparkContext().master()
            + " is running in this JVM; local-cluster tests need their own JVM (tag them '" + TAG + "')");
      }
    }
  }

  private static Path sparkHome() {
    String home = System.getenv("SPARK_HOME");
    if (home == null || home.isBlank()) {
      throw new IllegalStateException("SPARK_HOME is not set: local-cluster workers build executor "
          + "commands and keep work folders there; run through the '" + TAG + "' surefire execution");
    }
    try {
      Files.createDirectories(Path.of(home, "jars"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + home + "/jars", e);
    }
    return Path.of(home);
  }

  private static String scalaBinaryVersion() {
    String full = scala.util.Properties.versionNumberString();
    return full.substring(0, full.indexOf('.', full.indexOf('.') + 1));
  }

  private static void awaitExecutors(int workers, Path workDir) {
    long deadline = System.currentTimeMillis() + REGISTRATION_TIMEOUT_MS;
    int registered;
    while ((registered = session.sparkContext().statusTracker().getExecutorInfos().length - 1) < workers) {
      if (System.currentTimeMillis() > deadline) {
        stop();
        throw new IllegalStateException(registered + " of " + workers + " executors registered in "
            + REGISTRATION_TIMEOUT_MS / 1000 + " s; their logs are under " + workDir);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for executors", e);
      }
    }
  }
}
