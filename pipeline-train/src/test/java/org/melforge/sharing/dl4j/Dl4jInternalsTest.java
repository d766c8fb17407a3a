package org.melforge.sharing.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;
import org.deeplearning4j.optimize.solvers.accumulation.EncodedGradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.EncodingHandler;
import org.deeplearning4j.optimize.solvers.accumulation.GradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.MessageHandler;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.NoOpResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.parameterserver.networking.v2.WiredEncodingHandler;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.compression.ThresholdCompression;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every DL4J internal that this package's patches rely on is still there with the shape they
 * expect (see {@code package-info.java}): after an upgrade of deeplearning4j-nn 1.0.0-M2.1 or
 * dl4j-spark-parameterserver 1.0.0-M2, a failure here names the field or method, instead of
 * training failing on an executor.
 */
class Dl4jInternalsTest {

  private static final int LENGTH = 4096;
  private static final double THRESHOLD = 0.01;
  private static final int LEVELS = 4;

  /**
   * Owner, name, declared type of every field the patches read or write (and whether they write
   * it): by reflection
   * (patch 1, {@link SharedWrapperAccess}) or as a subclass (patch 2, {@link
   * LevelledEncodingHandler}).
   */
  static Stream<Arguments> fields() {
    String acc = "org.deeplearning4j.optimize.solvers.accumulation.";
    return Stream.of(
        // patch 1: read
        Arguments.of(SharedTrainingMaster.class, "instanceId", "int", false),
        Arguments.of(SharedTrainingWrapper.class, "accumulator",
            acc + "EncodedGradientsAccumulator", false),
        Arguments.of(EncodedGradientsAccumulator.class, "parties", "int", false),
        // patch 1b: read
        Arguments.of(SharedTrainingWrapper.class, "originalModel",
            "org.deeplearning4j.nn.api.Model", false),
        // patch 1: written
        Arguments.of(EncodedGradientsAccumulator.class, "handler", acc + "MessageHandler", true),
        Arguments.of(EncodedGradientsAccumulator.class, "workspaces",
            "java.util.List<org.nd4j.linalg.api.memory.MemoryWorkspace>", true),
        Arguments.of(EncodedGradientsAccumulator.class, "initialMemory", "long", true),
        Arguments.of(EncodedGradientsAccumulator.class, "queueSize", "int", true),
        // patch 2: protected state of the handler it extends, read
        Arguments.of(EncodingHandler.class, "thresholdAlgorithm",
            "java.lang.ThreadLocal<" + acc + "encoding.ThresholdAlgorithm>", false),
        Arguments.of(EncodingHandler.class, "currentThreshold",
            "java.lang.ThreadLocal<org.nd4j.shade.guava.util.concurrent.AtomicDouble>", false),
        Arguments.of(EncodingHandler.class, "accumulator", acc + "GradientsAccumulator", false));
  }

  @ParameterizedTest(name = "{0}.{1}")
  @MethodSource("fields")
  void fieldExistsWithItsType(Class<?> owner, String name, String type, boolean written) {
    Field f;
    try {
      f = owner.getDeclaredField(name);
    } catch (NoSuchFieldException e) {
      throw new AssertionError("DL4J's " + owner.getName() + " has no field '" + name
          + "' any more (DL4J fence, see package-info)", e);
    }
    assertEquals(type, f.getGenericType().getTypeName(),
        "type of DL4J's field " + owner.getName() + "." + name);
    assertFalse(Modifier.isStatic(f.getModifiers()), owner.getName() + "." + name + " is static");
    if (written) {
      assertFalse(Modifier.isFinal(f.getModifiers()), owner.getName() + "." + name + " is final");
    }
  }

  @Test
  void sharedWrapperAccessFindsItsFields() throws ClassNotFoundException {
    // Its static initialiser looks up every field; a missing one fails here, by name.
    Class.forName(SharedWrapperAccess.class.getName(), true, getClass().getClassLoader());
  }

  @Test
  void methodsThePatchesCall() throws NoSuchMethodException {
    Method wrapper = SharedTrainingWrapper.class.getMethod("getInstance", long.class);
    assertTrue(Modifier.isStatic(wrapper.getModifiers()), "SharedTrainingWrapper.getInstance(long)"
        + " is static: one wrapper per JVM and master instance");
    assertEquals(SharedTrainingWrapper.class, wrapper.getReturnType());
    assertEquals("java.util.List<java.util.concurrent.BlockingQueue<"
            + INDArray.class.getName() + ">>",
        EncodedGradientsAccumulator.class.getMethod("getMessages").getGenericReturnType()
            .getTypeName(), "EncodedGradientsAccumulator.getMessages()");
    MessageHandler.class.getMethod("initialize", GradientsAccumulator.class);
    Constructor<WiredEncodingHandler> wired = WiredEncodingHandler.class.getConstructor(
        ThresholdAlgorithm.class, ResidualPostProcessor.class, Integer.class, boolean.class);
    assertTrue(Modifier.isPublic(wired.getModifiers()));
    Method send = EncodingHandler.class.getDeclaredMethod("sendMessage", INDArray.class,
        int.class, int.class);
    assertTrue(Modifier.isProtected(send.getModifiers()), "EncodingHandler.sendMessage");
    Method encode = EncodingHandler.class.getMethod("encodeUpdates", int.class, int.class,
        INDArray.class);
    assertEquals(INDArray.class, encode.getReturnType(), "EncodingHandler.encodeUpdates");
    Method broadcast = EncodingHandler.class.getMethod("broadcastUpdates", INDArray.class,
        int.class, int.class);
    assertFalse(Modifier.isFinal(broadcast.getModifiers()), "EncodingHandler.broadcastUpdates");
  }

  /**
   * Patch 1 on an accumulator built as DL4J's {@code SharedTrainingWrapper} builds it: after the
   * swap it holds the levelled handler, and each level's message of a step reaches its queue,
   * with nothing lost.
   */
  @Test
  void aSwappedAccumulatorQueuesEveryLevel() {
    FixedThresholdAlgorithm threshold = new FixedThresholdAlgorithm(THRESHOLD);
    NoOpResidualPostProcessor residual = new NoOpResidualPostProcessor();
    EncodedGradientsAccumulator target = new EncodedGradientsAccumulator.Builder(1)
        .messageHandler(new WiredEncodingHandler(threshold, residual, null, false))
        .thresholdAlgorithm(threshold).residualPostProcessor(residual).build();
    SharedWrapperAccess.encodeWith(target, parties -> LevelledEncodingHandler.accumulator(parties,
        LENGTH, new LosslessThreshold(threshold), residual, LEVELS, false));
    LevelledEncodingHandler handler = assertInstanceOf(LevelledEncodingHandler.class,
        target.getHandler());
    List<BlockingQueue<INDArray>> queues = target.getMessages();
    assertEquals(1, queues.size());
    assertEquals(2 * LEVELS, queues.get(0).remainingCapacity(), "queue for two steps of levels");
    MessageHandler before = target.getHandler();
    SharedWrapperAccess.encodeWith(target, parties -> {
      throw new AssertionError("a levelled accumulator is swapped once");
    });
    assertSame(before, target.getHandler());

    Nd4j.getRandom().setSeed(3);
    INDArray fed = Nd4j.rand(DataType.FLOAT, LENGTH).subi(0.5).muli(2 * 1.99 * THRESHOLD);
    INDArray left = fed.dup();
    handler.broadcastUpdates(left, 0, 0);
    INDArray sent = Nd4j.zeros(DataType.FLOAT, LENGTH);
    int messages = 0;
    INDArray message;
    while ((message = queues.get(0).poll()) != null) {
      messages++;
      if (message.data().getInt(3) == ThresholdCompression.FLEXIBLE_ENCODING) {
        Nd4j.getExecutioner().thresholdDecode(message, sent);
      } else {
        Nd4j.getExecutioner().bitmapDecode(message, sent);
      }
    }
    assertEquals(LEVELS, messages, "messages queued in the swapped accumulator");
    double lost = fed.sub(sent).subi(left).norm1Number().doubleValue();
    assertTrue(lost < 1e-5 * sent.norm1Number().doubleValue(), "sent + kept = fed: lost " + lost);
  }
}
