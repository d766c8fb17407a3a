package org.melforge.tensorstore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format version 1.0, little-endian, C order) holding
 * float32 ({@code <f4}) or float64 ({@code <f8}) arrays: the exchange format with Python users and
 * the format of the committed reference arrays the tests compare against.
 */
public final class Npy {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|][a-z]\\d)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  /** An array read from a {@code .npy} file, widened to double, with its shape. */
  public record Array(int[] shape, double[] data) {
    /** Number of elements along dimension {@code i}. */
    public int dim(int i) {
      return shape[i];
    }
  }

  private Npy() {}

  /** Writes a float32 array of the given shape; {@code data.length} must equal the shape's product. */
  public static void writeFloat32(OutputStream out, int[] shape, float[] data) throws IOException {
    checkSize(shape, data.length);
    out.write(header("<f4", shape));
    ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    out.write(buf.array());
  }

  /** Writes a float64 array of the given shape; {@code data.length} must equal the shape's product. */
  public static void writeFloat64(OutputStream out, int[] shape, double[] data) throws IOException {
    checkSize(shape, data.length);
    out.write(header("<f8", shape));
    ByteBuffer buf = ByteBuffer.allocate(data.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asDoubleBuffer().put(data);
    out.write(buf.array());
  }

  /** Writes float32 little-endian bytes (as stored in the tensor table) as a float32 array. */
  public static void writeFloat32Bytes(OutputStream out, int[] shape, byte[] littleEndianFloats)
      throws IOException {
    checkSize(shape, littleEndianFloats.length / Float.BYTES);
    out.write(header("<f4", shape));
    out.write(littleEndianFloats);
  }

  /** Reads a little-endian, C-order float32 or float64 array. */
  public static Array read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), MAGIC)) {
      throw new IOException("not a .npy file (bad magic)");
    }
    int major = all[6];
    ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(bb.getShort(8));
      offset = 10;
    } else {
      headerLen = bb.getInt(8);
      offset = 12;
    }
    String header = new String(all, offset, headerLen, StandardCharsets.ISO_8859_1);
    String descr = find(DESCR, header, "descr");
    if ("True".equals(find(FORTRAN, header, "fortran_order"))) {
      throw new IOException("fortran_order arrays are not supported");
    }
    int[] shape = parseShape(find(SHAPE, header, "shape"));
    int n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    ByteBuffer body = ByteBuffer.wrap(all, offset + headerLen, all.length - offset - headerLen)
        .order(ByteOrder.LITTLE_ENDIAN);
    double[] data = new double[n];
    switch (descr) {
      case "<f4" -> {
        for (int i = 0; i < n; i++) {
          data[i] = body.getFloat();
        }
      }
      case "<f8" -> body.asDoubleBuffer().get(data);
      default -> throw new IOException("unsupported dtype " + descr + " (expected <f4 or <f8)");
    }
    return new Array(shape, data);
  }

  private static byte[] header(String descr, int[] shape) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String shapeText = shape.length == 1 ? dims.substring(0, dims.length() - 1)
        : dims.substring(0, Math.max(0, dims.length() - 2));
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shapeText + "), }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String text = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.write(1);
    out.write(0);
    out.write(text.length() & 0xff);
    out.write((text.length() >> 8) & 0xff);
    out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  private static int[] parseShape(String text) {
    return Arrays.stream(text.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  private static String find(Pattern pattern, String header, String key) throws IOException {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw new IOException("npy header has no readable '" + key + "': " + header.trim());
    }
    return m.group(1);
  }

  private static void checkSize(int[] shape, int length) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n != length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " elements, data has " + length);
    }
  }
}
