package org.melforge.sharing.dl4j;

import java.lang.reflect.Field;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.MessageHandler;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;

/**
 * Reaches into DL4J's gradient sharing to choose its update encoder (DL4J fence, patch 1: see
 * {@code package-info.java}). Each executor's {@link SharedTrainingWrapper} (keyed by its
 * {@link SharedTrainingMaster}'s instance id) builds its {@link EncodedGradientsAccumulator} with a
 * one-level encoder in its first round, right before training starts, and offers no setting to
 * choose another. {@link #encodingWith} then gives that accumulator another accumulator's handler
 * and message buffers (queues and workspaces sized for that handler's messages), before the first
 * step. The fields involved are protected and have no setters; another DL4J version without them,
 * or with other types, fails when this class loads, with the field's name
 * ({@code Dl4jInternalsTest} checks them all).
 */
public final class SharedWrapperAccess {

  private static final Field INSTANCE_ID = field(SharedTrainingMaster.class, "instanceId",
      int.class);
  private static final Field ACCUMULATOR = field(SharedTrainingWrapper.class, "accumulator",
      EncodedGradientsAccumulator.class);
  private static final Field PARTIES = field(EncodedGradientsAccumulator.class, "parties",
      int.class);
  private static final Field HANDLER = field(EncodedGradientsAccumulator.class, "handler",
      MessageHandler.class);
  private static final Field WORKSPACES = field(EncodedGradientsAccumulator.class, "workspaces",
      List.class);
  private static final Field MEMORY = field(EncodedGradientsAccumulator.class, "initialMemory",
      long.class);
  private static final Field QUEUE = field(EncodedGradientsAccumulator.class, "queueSize",
      int.class);
  private static final Field MODEL = field(SharedTrainingWrapper.class, "originalModel",
      Model.class);

  private SharedWrapperAccess() {}

  /** The id under which {@code master}'s executors find their wrapper. */
  public static int instanceId(SharedTrainingMaster master) {
    return (int) read(INSTANCE_ID, master);
  }

  /** The accumulator of this JVM's wrapper for master {@code instance}, once it has one. */
  public static Optional<EncodedGradientsAccumulator> accumulator(int instance) {
    return Optional.ofNullable((EncodedGradientsAccumulator) read(ACCUMULATOR,
        SharedTrainingWrapper.getInstance(instance)));
  }

  /**
   * The model this JVM's wrapper for master {@code instance} trains (its first training thread's
   * replica, from which DL4J rebuilds the others), once it has one.
   */
  public static Optional<Model> model(int instance) {
    return Optional.ofNullable((Model) read(MODEL, SharedTrainingWrapper.getInstance(instance)));
  }

  /**
   * {@code batches}, making the wrapper accumulator of master {@code instance} in this JVM encode
   * and buffer its messages as {@code donor}'s ({@link #encodeWith}): tried before handing out each
   * batch, until the wrapper has an accumulator and it is done. DL4J's {@code SharedTrainingWrapper} builds its
   * accumulator after a training partition's iterator exists and before it draws the first batch,
   * and no training step runs before that batch; so passing every training partition's batches
   * through this iterator installs the encoder before the first step.
   */
  public static <T> Iterator<T> encodingWith(int instance,
      IntFunction<EncodedGradientsAccumulator> donor, Iterator<T> batches) {
    return new Iterator<>() {
      private boolean installed;

      @Override
      public boolean hasNext() {
        return batches.hasNext();
      }

      @Override
      public T next() {
        if (!installed) {
          installed = encodeWith(instance, donor);
        }
        return batches.next();
      }
    };
  }

  /**
   * Makes the wrapper accumulator of master {@code instance} in this JVM encode and buffer its
   * messages as the accumulator that {@code donor} builds for its number of workers, unless it
   * already encodes with a {@link LevelledEncodingHandler}. Returns false while the wrapper has
   * no accumulator yet. Must run before the wrapper's first training step.
   */
  static boolean encodeWith(int instance, IntFunction<EncodedGradientsAccumulator> donor) {
    Optional<EncodedGradientsAccumulator> found = accumulator(instance);
    if (found.isEmpty()) {
      return false;
    }
    encodeWith(found.get(), donor);
    return true;
  }

  /** {@link #encodeWith(int, IntFunction)} for the accumulator {@code target}. */
  static void encodeWith(EncodedGradientsAccumulator target,
      IntFunction<EncodedGradientsAccumulator> donor) {
    synchronized (target) {
      if (!(target.getHandler() instanceof LevelledEncodingHandler)) {
        EncodedGradientsAccumulator source = donor.apply((int) read(PARTIES, target));
        for (int i = 0; i < source.getMessages().size(); i++) {
          target.getMessages().set(i, source.getMessages().get(i));
        }
        for (Field f : List.of(WORKSPACES, MEMORY, QUEUE, HANDLER)) {
          write(f, target, read(f, source));
        }
        source.getHandler().initialize(target);
      }
    }
  }

  private static Field field(Class<?> owner, String name, Class<?> type) {
    Field f;
    try {
      f = owner.getDeclaredField(name);
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("DL4J's " + owner.getName() + " has no field '" + name
          + "': this DL4J version is not supported by the levelled update encoder", e);
    }
    if (f.getType() != type) {
      throw new IllegalStateException("DL4J's field " + owner.getName() + "." + name + " is a "
          + f.getType().getName() + ", not a " + type.getName()
          + ": this DL4J version is not supported by the levelled update encoder");
    }
    f.setAccessible(true);
    return f;
  }

  private static void write(Field field, Object owner, Object value) {
    try {
      field.set(owner, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot set " + field, e);
    }
  }

  private static Object read(Field field, Object owner) {
    try {
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }
}
