package org.melforge.sharing;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;

/**
 * Reaches into DL4J 1.0.0-M2.1's gradient sharing to choose its update encoder. Each executor's
 * {@link SharedTrainingWrapper} (keyed by its {@link SharedTrainingMaster}'s instance id) builds
 * its {@link EncodedGradientsAccumulator} with a one-level encoder in its first round, right
 * before training starts, and offers no setting to choose another. {@link #encodeWith} then gives
 * that accumulator another accumulator's handler and message buffers (queues and workspaces sized
 * for that handler's messages), before the first step. The fields involved are protected and
 * have no setters; another DL4J version without them fails here with the missing field's name.
 */
final class SharedWrapperAccess {

  private static final Field INSTANCE_ID = field(SharedTrainingMaster.class, "instanceId");
  private static final Field ACCUMULATOR = field(SharedTrainingWrapper.class, "accumulator");
  private static final Field PARTIES = field(EncodedGradientsAccumulator.class, "parties");
  private static final Field HANDLER = field(EncodedGradientsAccumulator.class, "handler");
  private static final Field WORKSPACES = field(EncodedGradientsAccumulator.class, "workspaces");
  private static final Field MEMORY = field(EncodedGradientsAccumulator.class, "initialMemory");
  private static final Field QUEUE = field(EncodedGradientsAccumulator.class, "queueSize");

  private SharedWrapperAccess() {}

  /** The id under which {@code master}'s executors find their wrapper. */
  static int instanceId(SharedTrainingMaster master) {
    return (int) read(INSTANCE_ID, master);
  }

  /** The accumulator of this JVM's wrapper for master {@code instance}, once it has one. */
  static Optional<EncodedGradientsAccumulator> accumulator(int instance) {
    return Optional.ofNullable((EncodedGradientsAccumulator) read(ACCUMULATOR,
        SharedTrainingWrapper.getInstance(instance)));
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
    EncodedGradientsAccumulator target = found.get();
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
    return true;
  }

  private static Field field(Class<?> type, String name) {
    try {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("DL4J's " + type.getName() + " has no field '" + name
          + "': this DL4J version is not supported by the levelled update encoder", e);
    }
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
