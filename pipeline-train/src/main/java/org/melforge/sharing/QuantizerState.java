package org.melforge.sharing;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.melforge.bottleneck.VectorQuantizer;
import org.melforge.bottleneck.VectorQuantizerLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The non-gradient state of a model's EMA quantizers (codebook, EMA cluster sizes, EMA sums per
 * layer), as the driver holds it after a synchronisation: copied, shipped to executors and written
 * into every replica.
 */
final class QuantizerState implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, Map<String, INDArray>> layers;

  private QuantizerState(Map<String, Map<String, INDArray>> layers) {
    this.layers = layers;
  }

  /** A copy of the state of every EMA quantizer of {@code graph}. */
  static QuantizerState of(ComputationGraph graph) {
    Map<String, Map<String, INDArray>> out = new LinkedHashMap<>();
    for (Layer layer : graph.getLayers()) {
      if (layer instanceof VectorQuantizerLayer q && isEma(q)) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        q.paramTable().forEach((name, value) -> params.put(name, value.dup()));
        out.put(q.conf().getLayer().getLayerName(), params);
      }
    }
    return new QuantizerState(out);
  }

  static boolean isEma(VectorQuantizerLayer q) {
    return ((VectorQuantizer) q.conf().getLayer()).update() == VectorQuantizer.Update.EMA;
  }

  /** Writes this state into {@code replica}, if it holds a layer of the same name. */
  void applyTo(VectorQuantizerLayer replica) {
    Map<String, INDArray> params = layers.get(replica.conf().getLayer().getLayerName());
    if (params != null) {
      params.forEach((name, value) -> replica.getParam(name).assign(value));
    }
  }

  /** The fingerprint of each layer's state, by layer name. */
  Map<String, String> fingerprints() {
    Map<String, String> out = new LinkedHashMap<>();
    layers.forEach((name, params) -> out.put(name, fingerprint(params)));
    return out;
  }

  /** SHA-256 over a quantizer's parameters (in name order, float32 values): equal iff same bits. */
  static String fingerprint(Map<String, INDArray> params) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(params).forEach((name, value) -> {
        digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
