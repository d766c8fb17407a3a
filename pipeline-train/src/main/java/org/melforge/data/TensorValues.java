package org.melforge.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The values a tensor of the table may hold: finite float32 in [{@link #MIN}, {@link #MAX}], the
 * stored log-mel range (dB / 40 + 1, clipped to [-80, 0] dB). {@link #problem} finds the first
 * value that is not, as a Spark function over the {@code tensor} column too.
 */
public final class TensorValues implements UDF1<byte[], String> {

  private static final long serialVersionUID = 1L;
  /** Smallest value a tensor may hold. */
  public static final float MIN = -1f;
  /** Largest value a tensor may hold. */
  public static final float MAX = 1f;

  private final int frames;

  /** A check of tensors with {@code frames} frames per mel bin (for the position it names). */
  public TensorValues(int frames) {
    this.frames = frames;
  }

  /** The first bad value of {@code tensor} with its (mel, frame) position, or null when all are good. */
  public String problem(FloatBuffer tensor) {
    for (int i = 0; tensor.hasRemaining(); i++) {
      float v = tensor.get();
      if (!(v >= MIN && v <= MAX)) {
        return (Float.isFinite(v) ? "value " + v + " outside [" + MIN + ", " + MAX + "]"
            : "value " + v) + " at (mel " + i / frames + ", frame " + i % frames + ")";
      }
    }
    return null;
  }

  /** {@link #problem} of little-endian float32 bytes (null bytes: "no tensor"). */
  @Override
  public String call(byte[] tensor) {
    if (tensor == null) {
      return "no tensor";
    }
    return problem(ByteBuffer.wrap(tensor).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
  }
}
