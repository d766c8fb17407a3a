package org.melforge.spark.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.storage.BlockManagerId;
import scala.collection.JavaConverters;

/**
 * Every use of Spark internals in MelForge, behind public signatures that name no Spark-internal
 * type. See the package documentation for what each one touches and the test that guards it.
 */
public final class SparkInternals {

  /** Local property holding the job group id ({@code SparkContext.SPARK_JOB_GROUP_ID}). */
  public static final String JOB_GROUP_ID = "spark.jobGroup.id";
  /** Local property holding the job description ({@code SparkContext.SPARK_JOB_DESCRIPTION}). */
  public static final String JOB_DESCRIPTION = "spark.job.description";
  /** Local property holding interrupt-on-cancel ({@code SparkContext.SPARK_JOB_INTERRUPT_ON_CANCEL}). */
  public static final String JOB_INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

  /** Prefix of an executor's task location string ({@code ExecutorCacheTaskLocation}). */
  static final String EXECUTOR_LOCATION_PREFIX = "executor_";

  private static final Comparator<ExecutorSlot> BY_ID = Comparator
      .comparingInt((ExecutorSlot s) -> s.executorId().length()).thenComparing(ExecutorSlot::executorId);

  private SparkInternals() {}

  /**
   * The directory name Spark's file writers give the partition {@code column = value}, e.g.
   * {@code dataset=a%2Fb}: both sides escaped as Hive does, and a null or empty value as
   * {@code __HIVE_DEFAULT_PARTITION__}. {@code value} is rendered with {@code toString()}, which
   * is what Spark writes for string partition columns.
   */
  public static String partitionDirectory(String column, Object value) {
    return ExternalCatalogUtils.getPartitionPathString(column, value == null ? null : value.toString());
  }

  /**
   * The JVMs that run tasks, ordered by executor id: in local mode exactly the driver; otherwise
   * every executor registered with the driver's block manager master (the driver excluded).
   *
   * @throws IllegalStateException outside local mode when no executor has registered yet
   */
  public static List<ExecutorSlot> executors(SparkContext sc) {
    List<ExecutorSlot> all = new ArrayList<>();
    for (BlockManagerId id : JavaConverters.asJavaCollection(
        SparkEnv.get().blockManager().master().getMemoryStatus().keys())) {
      all.add(new ExecutorSlot(id.executorId(), id.host(), id.isDriver()));
    }
    if (sc.isLocal()) {
      return all.stream().filter(ExecutorSlot::isDriver).sorted(BY_ID).toList();
    }
    List<ExecutorSlot> executors = all.stream().filter(s -> !s.isDriver()).sorted(BY_ID).toList();
    if (executors.isEmpty()) {
      throw new IllegalStateException("no executor has registered with the driver of " + sc.master());
    }
    return executors;
  }

  /**
   * The Spark executor id of this JVM ({@code SparkEnv.executorId}): a number on executors,
   * {@code "driver"} on the driver, in local mode and where no Spark environment runs.
   */
  public static String executorId() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "driver" : env.executorId();
  }
}
