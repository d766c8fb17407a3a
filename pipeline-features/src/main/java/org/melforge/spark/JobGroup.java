package org.melforge.spark;

import static org.melforge.spark.internal.SparkInternals.JOB_DESCRIPTION;
import static org.melforge.spark.internal.SparkInternals.JOB_GROUP_ID;
import static org.melforge.spark.internal.SparkInternals.JOB_INTERRUPT_ON_CANCEL;

import java.util.Objects;
import org.apache.spark.SparkContext;

/**
 * A Spark job group held for a try-with-resources block: every job the opening thread starts
 * inside carries the group id and the current description (what the Spark UI, the status tracker
 * and {@code cancelJobGroup} see); {@link #close()} puts back exactly the group, description and
 * interrupt flag the thread had before, or clears them when it had none. Groups nest.
 *
 * <p>Spark keeps these as thread-local properties, so a group must be closed on the thread that
 * opened it; threads started inside inherit a copy.
 */
public final class JobGroup implements AutoCloseable {

  private final SparkContext sc;
  private final String id;
  private final Thread owner;
  private final String previousId;
  private final String previousDescription;
  private final String previousInterrupt;
  private boolean closed;

  private JobGroup(SparkContext sc, String id, String description, boolean interruptOnCancel) {
    this.sc = Objects.requireNonNull(sc, "sc");
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("job group id is blank: '" + id + "'");
    }
    this.id = id;
    this.owner = Thread.currentThread();
    this.previousId = sc.getLocalProperty(JOB_GROUP_ID);
    this.previousDescription = sc.getLocalProperty(JOB_DESCRIPTION);
    this.previousInterrupt = sc.getLocalProperty(JOB_INTERRUPT_ON_CANCEL);
    sc.setJobGroup(id, description, interruptOnCancel);
  }

  /** Opens group {@code id} with {@code description} on this thread; cancelling it does not interrupt tasks. */
  public static JobGroup open(SparkContext sc, String id, String description) {
    return new JobGroup(sc, id, description, false);
  }

  /**
   * Opens group {@code id} with {@code description} on this thread; with {@code interruptOnCancel}
   * cancelling the group interrupts the threads of its running tasks.
   */
  public static JobGroup open(SparkContext sc, String id, String description, boolean interruptOnCancel) {
    return new JobGroup(sc, id, description, interruptOnCancel);
  }

  /** The group id. */
  public String id() {
    return id;
  }

  /** Sets the description of the jobs started from now on, e.g. the sub-step; the group is kept. */
  public void describe(String description) {
    requireOpenOnOwner("describe");
    sc.setJobDescription(description);
  }

  /** Restores the group, description and interrupt flag this thread had before {@link #open}. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    requireOpenOnOwner("close");
    sc.setLocalProperty(JOB_GROUP_ID, previousId);
    sc.setLocalProperty(JOB_DESCRIPTION, previousDescription);
    sc.setLocalProperty(JOB_INTERRUPT_ON_CANCEL, previousInterrupt);
    closed = true;
  }

  private void requireOpenOnOwner(String action) {
    if (closed) {
      throw new IllegalStateException("job group '" + id + "' is closed: cannot " + action);
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("job group '" + id + "' was opened on thread '" + owner.getName()
          + "': cannot " + action + " it on thread '" + Thread.currentThread().getName() + "'");
    }
  }
}
