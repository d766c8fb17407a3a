package org.melforge.bottleneck;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SHA-256 over a layer's state arrays (in name order, float32 values): equal iff the states hold
 * the same bits. How runtimes prove that replicas agree.
 */
public final class StateFingerprint {

  private StateFingerprint() {}

  /** The fingerprint of {@code arrays}. */
  public static String of(Map<String, INDArray> arrays) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(arrays).forEach((name, value) -> {
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        float[] v = value.dup('c').reshape(-1).toFloatVector();
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES);
        bytes.asFloatBuffer().put(v);
        digest.update(bytes.array());
      });
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
