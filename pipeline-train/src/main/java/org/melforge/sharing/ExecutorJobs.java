package org.melforge.sharing;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.melforge.spark.internal.ExecutorSlot;
import org.melforge.spark.internal.SparkInternals;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.reflect.ClassTag$;

/**
 * Runs a function once in every executor JVM (the driver's JVM in local mode): one task per
 * executor, each preferring its executor ({@code executor_<host>_<id>} locations), repeated for
 * executors whose answer is missing. Used to read and write the per-JVM {@link WorkerRun} between
 * training rounds, when the executors are idle. Tasks run outside any ND4J workspace (a task thread
 * may be one DL4J trained in, with a stale workspace scope).
 */
final class ExecutorJobs {

  /** A function run in an executor JVM. */
  interface Task<T> extends Serializable {
    T run();
  }

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorJobs.class);
  private static final int ATTEMPTS = 5;

  private ExecutorJobs() {}

  /**
   * The answer of every executor to {@code task}, by executor id.
   *
   * @throws IllegalStateException when some executor did not answer after several attempts
   */
  static <T> Map<String, T> onEach(SparkContext sc, Task<T> task) {
    Map<String, T> answers = new LinkedHashMap<>();
    List<ExecutorSlot> executors = executors(sc);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      List<ExecutorSlot> missing = executors.stream()
          .filter(e -> !answers.containsKey(e.executorId())).toList();
      if (missing.isEmpty()) {
        return answers;
      }
      if (attempt > 1) {
        LOG.info("executor job: no answer yet from {}, attempt {}", missing, attempt);
      }
      for (Tuple2<String, T> answer : run(sc, missing, task)) {
        answers.putIfAbsent(answer._1(), answer._2());
      }
    }
    Set<String> expected = new HashSet<>();
    executors.forEach(e -> expected.add(e.executorId()));
    expected.removeAll(answers.keySet());
    throw new IllegalStateException("executors " + expected + " did not run the job in "
        + ATTEMPTS + " attempts");
  }

  private static <T> List<Tuple2<String, T>> run(SparkContext sc, List<ExecutorSlot> on,
      Task<T> task) {
    List<Tuple2<Integer, Seq<String>>> slots = new ArrayList<>();
    for (int i = 0; i < on.size(); i++) {
      String location = on.get(i).preferredLocation();
      slots.add(new Tuple2<>(i, JavaConverters.asScalaBuffer(List.of(location)).toSeq()));
    }
    JavaRDD<Integer> rdd = JavaRDD.fromRDD(sc.makeRDD(
        JavaConverters.asScalaBuffer(slots).toSeq(), ClassTag$.MODULE$.apply(Integer.class)),
        ClassTag$.MODULE$.apply(Integer.class));
    return rdd.map(i -> {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        return new Tuple2<>(WorkerRun.executorId(), task.run());
      }
    }).collect();
  }

  /** The registered executors (the driver in local mode). */
  static List<ExecutorSlot> executors(SparkContext sc) {
    return SparkInternals.executors(sc);
  }
}
