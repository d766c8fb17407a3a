package org.melforge.spark;

/**
 * The shape every MelForge Spark job follows: one class per job, built from options that were
 * validated before any Spark work (their construction lists every problem, naming its key), and
 * {@link #execute()}, which runs all of its Spark work inside its own {@link JobGroup} (so the
 * caller's group and description are restored afterwards) and returns an immutable
 * {@link JobResult}.
 *
 * @param <R> the job's result
 */
public interface SparkJob<R extends JobResult> {

  /** Runs the job on the calling thread and returns what it did. */
  R execute();
}
