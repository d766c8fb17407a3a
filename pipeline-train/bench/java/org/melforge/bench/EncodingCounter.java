package org.melforge.bench;

import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Benchmark instrumentation (not part of the build): records every message DL4J's
 * {@code EncodingHandler.encodeUpdates} produces in a gradient-sharing run. run-distributed-bench.sh
 * compiles a copy of DL4J's own {@code EncodingHandler} (from the deeplearning4j-nn sources jar)
 * whose {@code encodeUpdates} calls {@link #record} on its result, and puts it before DL4J on the
 * class path of the measured runs only. One line per call to the file named by the system property
 * {@code melforge.bench.encoding-log} (nothing when unset):
 * {@code thread iteration epoch parameters format message_ints sent half_steps}, format
 * {@code none} (nothing to send), {@code sparse} (threshold encoding: 4 header ints + one int per
 * sent element) or {@code bitmap} (4 header ints + 2 bits per parameter + 1);
 * {@code sent}: elements moved by one threshold, {@code half_steps}: elements moved by half a
 * threshold (bitmap encoding only).
 */
public final class EncodingCounter {

  private static final PrintWriter OUT = open(System.getProperty("melforge.bench.encoding-log"));

  private EncodingCounter() {}

  private static PrintWriter open(String path) {
    if (path == null || path.isEmpty()) {
      return null;
    }
    try {
      return new PrintWriter(new FileWriter(path, true), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Called by the instrumented EncodingHandler with the message it returns (null: none). */
  public static void record(int iteration, int epoch, long parameters, INDArray encoded) {
    if (OUT == null) {
      return;
    }
    String line;
    if (encoded == null) {
      line = "none 0 0 0";
    } else {
      int[] ints = encoded.data().asInt();
      long length = encoded.length();
      if (length == parameters / 16 + 5) {
        long[] counts = bitmapCounts(ints);
        line = "bitmap " + length + " " + counts[0] + " " + counts[1];
      } else {
        line = "sparse " + length + " " + ints[0] + " 0";
      }
    }
    synchronized (OUT) {
      OUT.println(Thread.currentThread().getId() + " " + iteration + " " + epoch + " " + parameters
          + " " + line);
    }
  }

  /**
   * Elements moved by a whole threshold and by half of one in a bitmap message: after the 4 header
   * ints, each int covers 16 elements, bit i flags element i as sent, bit 16+i its sign (a sign
   * bit alone: minus half a threshold).
   */
  static long[] bitmapCounts(int[] ints) {
    long sent = 0;
    long half = 0;
    for (int i = 4; i < ints.length; i++) {
      int v = ints[i];
      int low = v & 0xFFFF;
      int high = v >>> 16;
      sent += Integer.bitCount(low);
      half += Integer.bitCount(high & ~low);
    }
    return new long[] {sent, half};
  }

  /** Self-test of the bitmap layout: encodes a known vector, decodes it and compares the counts. */
  public static void main(String[] args) {
    int n = 1000;
    double thr = 1e-3;
    INDArray x = Nd4j.zeros(DataType.FLOAT, n);
    java.util.Random r = new java.util.Random(1);
    long expectSent = 0;
    for (int i = 0; i < n; i++) {
      double v = (r.nextDouble() * 2 - 1) * 3 * thr;
      x.putScalar(i, v);
      if (Math.abs(v) >= thr) {
        expectSent++;
      }
    }
    INDArray original = x.dup();
    INDArray enc = Nd4j.getExecutioner().bitmapEncode(x, thr);
    long[] counts = bitmapCounts(enc.data().asInt());
    INDArray decoded = Nd4j.zeros(DataType.FLOAT, n);
    Nd4j.getExecutioner().bitmapDecode(enc, decoded);
    long full = 0;
    long halves = 0;
    for (int i = 0; i < n; i++) {
      double d = Math.abs(decoded.getDouble(i));
      if (Math.abs(d - thr) < thr * 1e-3) {
        full++;
      } else if (Math.abs(d - thr / 2) < thr * 1e-3) {
        halves++;
      }
    }
    System.out.printf("bitmap: length %d (n/16+5 = %d), counted sent %d half %d, decoded sent %d"
        + " half %d, elements >= threshold %d%n", enc.length(), n / 16 + 5, counts[0], counts[1],
        full, halves, expectSent);
    INDArray sparse = Nd4j.getExecutioner().thresholdEncode(original.dup(), 2.5 * thr);
    System.out.printf("sparse: length %d, header count %d%n", sparse.length(),
        sparse.data().asInt()[0]);
    boolean ok = counts[0] == full && counts[1] == halves && full == expectSent;
    System.out.println(ok ? "OK" : "MISMATCH");
    System.exit(ok ? 0 : 1);
  }
}
