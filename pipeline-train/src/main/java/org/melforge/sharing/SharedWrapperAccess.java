package org.melforge.sharing;

import java.lang.reflect.Field;
import java.util.Optional;
import java.util.function.Supplier;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;

/**
 * The two fields of DL4J 1.0.0-M2.1's gradient sharing that choosing its update encoder needs:
 * a {@link SharedTrainingMaster}'s instance id (the key of each executor's
 * {@link SharedTrainingWrapper}) and the wrapper's accumulator, which the wrapper creates, with a
 * one-level encoder, only when it has none. Both are protected and have no accessors; another
 * DL4J version without them fails here with the name of the missing field.
 */
final class SharedWrapperAccess {

  private static final Field INSTANCE_ID = field(SharedTrainingMaster.class, "instanceId");
  private static final Field ACCUMULATOR = field(SharedTrainingWrapper.class, "accumulator");

  private SharedWrapperAccess() {}

  /** The id under which {@code master}'s executors find their wrapper. */
  static int instanceId(SharedTrainingMaster master) {
    return (int) read(INSTANCE_ID, master);
  }

  /**
   * Sets the accumulator of this JVM's wrapper for master {@code instance} unless it has one;
   * returns the wrapper's accumulator.
   */
  static EncodedGradientsAccumulator installIfAbsent(int instance,
      Supplier<EncodedGradientsAccumulator> accumulator) {
    SharedTrainingWrapper wrapper = SharedTrainingWrapper.getInstance(instance);
    synchronized (wrapper) {
      if (read(ACCUMULATOR, wrapper) == null) {
        try {
          ACCUMULATOR.set(wrapper, accumulator.get());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot set " + ACCUMULATOR, e);
        }
      }
      return (EncodedGradientsAccumulator) read(ACCUMULATOR, wrapper);
    }
  }

  /** The accumulator of this JVM's wrapper for master {@code instance}, if it has one. */
  static Optional<EncodedGradientsAccumulator> accumulator(int instance) {
    return Optional.ofNullable((EncodedGradientsAccumulator) read(ACCUMULATOR,
        SharedTrainingWrapper.getInstance(instance)));
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

  private static Object read(Field field, Object owner) {
    try {
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }
}
