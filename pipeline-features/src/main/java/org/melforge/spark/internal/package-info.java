/**
 * The one package of MelForge that touches Spark internals: anything outside Spark's public Java
 * and Scala API ({@code private[spark]} members, {@code catalyst}, the block manager, undocumented
 * property names and string formats). Everything else goes through {@link
 * org.melforge.spark.internal.SparkInternals}, whose signatures name no Spark-internal type. These
 * uses were checked against Spark 3.5.5 (the {@code spark.version} of the parent pom), and each has
 * a test in {@code SparkInternalsTest} that fails when a Spark upgrade changes it; that test class
 * also fails on any other Spark version, so an upgrade re-checks this list.
 *
 * <table>
 * <caption>Spark internals used</caption>
 * <tr><th>internal</th><th>used for</th><th>why no public API</th><th>guarding test</th></tr>
 * <tr><td>{@code org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils.getPartitionPathString}</td>
 *   <td>{@code partitionDirectory}: the directory name of a partition value, so that
 *   {@code tensorstore.PartitionedWriter} finds the partitions it wrote and removes stale ones</td>
 *   <td>the escaping Spark's file writers apply (Hive's: {@code /}, {@code :}, {@code =},
 *   {@code %} and more, null and empty values as {@code __HIVE_DEFAULT_PARTITION__}) is only in
 *   catalyst</td>
 *   <td>{@code partitionDirectoryIsWhatSparkWrites}: writes a partitioned Parquet table with values
 *   needing escaping and compares the directories Spark created</td></tr>
 * <tr><td>{@code SparkEnv.get().blockManager().master().getMemoryStatus()} and
 *   {@code org.apache.spark.storage.BlockManagerId} ({@code private[spark]} block manager,
 *   developer-API id)</td>
 *   <td>{@code executors}: the executor id and host of every JVM that runs tasks (the driver in
 *   local mode), for running one task per executor (train's gradient sharing)</td>
 *   <td>{@code SparkStatusTracker.getExecutorInfos} gives host and port but no executor id</td>
 *   <td>{@code executorsInLocalModeAreExactlyTheDriver}</td></tr>
 * <tr><td>{@code SparkEnv.get().executorId()} ({@code SparkEnv} is a developer API)</td>
 *   <td>{@code executorId}: which executor this JVM is, in tasks (train's per-JVM run state and
 *   transport ports)</td>
 *   <td>{@code TaskContext} gives no executor id</td>
 *   <td>{@code executorIdIsTheDriverInLocalModeAndTheExecutorsInTasks} (the executors' own ids:
 *   train's {@code SharedTrainingClusterTest})</td></tr>
 * <tr><td>the task location format {@code executor_<host>_<executorId>}
 *   ({@code org.apache.spark.scheduler.ExecutorCacheTaskLocation})</td>
 *   <td>{@code ExecutorSlot.preferredLocation}: a preferred location that pins a task to one
 *   executor</td>
 *   <td>preferred locations are plain strings; the executor form is parsed by the
 *   {@code private[spark]} {@code TaskLocation}</td>
 *   <td>{@code preferredLocationIsParsedAsThatExecutor}</td></tr>
 * <tr><td>the local property names {@code spark.jobGroup.id}, {@code spark.job.description},
 *   {@code spark.job.interruptOnCancel} ({@code private[spark]} constants of
 *   {@code SparkContext})</td>
 *   <td>{@code org.melforge.spark.JobGroup}: reading the caller's group, description and
 *   interrupt flag to restore them exactly</td>
 *   <td>{@code SparkContext} sets them ({@code setJobGroup}) but has no getter for them</td>
 *   <td>{@code setJobGroupWritesTheseLocalProperties}</td></tr>
 * </table>
 *
 * <p>Not fenced: {@code org.apache.spark.util.SerializableConfiguration} (the features job and the
 * exporter broadcast the Hadoop configuration with it) is a public {@code @DeveloperApi}, not an
 * internal. Nothing in {@code pipeline-features} uses reflection on Spark classes.
 */
package org.melforge.spark.internal;
