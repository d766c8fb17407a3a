package org.melforge.sharing.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import evil.Gadget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.commons.collections.Transformer;
import org.apache.commons.collections.functors.ChainedTransformer;
import org.apache.commons.collections.functors.ConstantTransformer;
import org.apache.commons.collections.keyvalue.TiedMapEntry;
import org.apache.commons.collections.map.LazyMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.parameterserver.distributed.v2.messages.VoidMessage;
import org.nd4j.parameterserver.distributed.v2.messages.impl.GradientsUpdateMessage;

/**
 * The {@code jdk.serialFilter} of {@code conf/jvm.options} against what DL4J's gradient-sharing
 * transport receives. A JVM started with exactly the flags of that file (as {@code submit/} starts
 * drivers and executors) reads each message as the transport does ({@code VoidMessage.fromBytes},
 * a plain {@code ObjectInputStream}): object graphs holding a class outside the allow-list, a
 * gadget of our own and the classic commons-collections chain, are rejected before any of their
 * code runs, while a gradients update message still arrives intact. The same gadget read by a JVM
 * without the flags runs its code, so the rejection is the filter's doing.
 */
class SerialFilterTest {

  /** The project's JVM flags, relative to the module folder surefire runs in. */
  private static final Path JVM_OPTIONS = Path.of("../conf/jvm.options");
  private static final String REJECTED = "FAILED java.io.InvalidClassException: filter status: REJECTED";
  private static final long TIMEOUT_SECONDS = 120;

  @TempDir
  Path tmp;

  @Test
  void theProjectFlagsRejectGadgetsAndLetGradientUpdatesThrough() throws Exception {
    Path marker = tmp.resolve("gadget-ran");
    Path gadget = write("gadget", serialize(new HashMap<>(Map.of("payload", new Gadget(marker)))));
    Path chain = write("commons-collections", serialize(commonsCollectionsChain()));
    GradientsUpdateMessage message = new GradientsUpdateMessage("message-1",
        Nd4j.createFromArray(0.5f, -1.25f, 3f, 1e-3f).reshape(2, 2));
    message.setOriginatorId("executor-0");
    message.setIteration(7);
    message.setEpoch(2);
    Path update = write("gradients-update", transportBytes(message));

    List<String> flags = jvmOptions();
    assertTrue(flags.stream().anyMatch(f -> f.startsWith("-Djdk.serialFilter=")),
        JVM_OPTIONS + " sets no -Djdk.serialFilter: " + flags);
    List<String> received = receive(flags, gadget, chain, update);

    assertEquals(REJECTED, received.get(0), "a graph holding evil.Gadget");
    assertFalse(Files.exists(marker), "the gadget's readObject ran despite the filter");
    assertEquals(REJECTED, received.get(1), "the commons-collections chain");
    assertEquals("OK GradientsUpdateMessage message-1 from executor-0 iteration 7 epoch 2 "
        + "FLOAT [2, 2] [0.5, -1.25, 3.0, 0.001]", received.get(2));
  }

  @Test
  void withoutTheFlagsTheGadgetRuns() throws Exception {
    Path marker = tmp.resolve("gadget-ran");
    Path gadget = write("gadget", serialize(new HashMap<>(Map.of("payload", new Gadget(marker)))));

    List<String> received = receive(List.of(), gadget);

    assertTrue(received.get(0).startsWith("FAILED java.lang.ClassCastException"), received::toString);
    assertTrue(Files.exists(marker), "the gadget ran before the transport's cast failed");
  }

  /**
   * What receiving each file does in a fresh JVM with {@code flags}: one line per file, "OK" and
   * the message, or "FAILED" and the root cause.
   */
  private List<String> receive(List<String> flags, Path... files) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Receiver.class.getName()));
    Arrays.stream(files).map(Path::toString).forEach(cmd::add);
    Path log = tmp.resolve("receiver-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the receiving JVM did not finish");
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().filter(l -> l.startsWith(Receiver.PREFIX))
        .map(l -> l.substring(Receiver.PREFIX.length())).toList();
    assertEquals(files.length, lines.size(), out);
    return lines;
  }

  /** The flags of {@code conf/jvm.options} as {@code submit/lib/common.sh} passes them to java. */
  private static List<String> jvmOptions() throws IOException {
    return Files.readAllLines(JVM_OPTIONS).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .flatMap(l -> Arrays.stream(l.split("\\s+")))
        .toList();
  }

  /** The bytes DL4J's Aeron transport publishes for {@code message}. */
  private static byte[] transportBytes(VoidMessage message) {
    UnsafeBuffer buffer = message.asUnsafeBuffer();
    byte[] bytes = new byte[buffer.capacity()];
    buffer.getBytes(0, bytes);
    return bytes;
  }

  /**
   * The shape of the commons-collections gadget chain (ysoserial's CommonsCollections6): reading
   * the map hashes the entry, which asks the lazy map, which runs the transformers. Here they only
   * return a constant; a real payload ends in {@code InvokerTransformer} calls.
   */
  private static Serializable commonsCollectionsChain() {
    Transformer chain = new ChainedTransformer(new Transformer[] {new ConstantTransformer("x")});
    @SuppressWarnings("unchecked")
    Map<Object, Object> lazy = LazyMap.decorate(new HashMap<>(), chain);
    HashMap<Object, Object> root = new HashMap<>();
    root.put(new TiedMapEntry(lazy, "key"), "value");
    return root;
  }

  private static byte[] serialize(Serializable graph) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(graph);
    }
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name + ".bin"), bytes);
  }

  /**
   * Main class of the receiving JVM: hands each file's bytes to DL4J's {@code VoidMessage.fromBytes}
   * as the transport's fragment handler does, and prints what came of it.
   */
  static final class Receiver {

    static final String PREFIX = "received: ";

    private Receiver() {}

    public static void main(String[] args) throws IOException {
      for (String file : args) {
        String outcome;
        try {
          VoidMessage m = VoidMessage.fromBytes(Files.readAllBytes(Path.of(file)));
          outcome = "OK " + describe(m);
        } catch (RuntimeException | Error e) {
          Throwable root = e;
          while (root.getCause() != null) {
            root = root.getCause();
          }
          outcome = "FAILED " + root.getClass().getName() + ": " + root.getMessage();
        }
        System.out.println(PREFIX + outcome);
      }
      System.out.flush();
    }

    private static String describe(VoidMessage m) {
      if (!(m instanceof GradientsUpdateMessage g)) {
        return m.getClass().getSimpleName();
      }
      INDArray payload = g.getPayload();
      return "GradientsUpdateMessage " + g.getMessageId() + " from " + g.getOriginatorId()
          + " iteration " + g.getIteration() + " epoch " + g.getEpoch() + " "
          + payload.dataType() + " " + Arrays.toString(payload.shape()) + " "
          + Arrays.toString(payload.dup('c').data().asFloat());
    }
  }
}
