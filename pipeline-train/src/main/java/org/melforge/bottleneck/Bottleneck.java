package org.melforge.bottleneck;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The information bottleneck of a tokenizer, whatever its family: a vector quantizer (codes), a
 * Gaussian posterior (latents), binary spherical quantization (binary codes), and later sparse
 * dictionaries.
 * Implemented by the bottleneck layer configurations; the parameters come from the trained graph.
 * Models, the evaluation job and token export go through this interface only.
 */
public interface Bottleneck {

  /**
   * What a bottleneck yields, which decides how its codes are counted and summarised. A new family
   * adds its kind (binary codes, sparse codes) with its statistics rather than posing as another.
   */
  enum Kind {
    /** Code indices from a codebook of {@link #codebookSize} entries. */
    CODES,
    /** A Gaussian posterior: mean and log-variance per latent dimension. */
    GAUSSIAN,
    /**
     * Binary codes: L signs per position, the code being their L-bit integer (a {@code long}, most
     * significant bit first, {@code +1} a set bit) out of {@link #codebookSize} = 2^L.
     */
    BINARY
  }

  /** The kind of this bottleneck. */
  Kind kind();

  /**
   * Codes or latents of a bottleneck input (the activation that enters the bottleneck layer):
   * code indices {@code (B, h, w)} as {@code long}s for a quantizer (binary codes' L-bit integers
   * for a binary one), the posterior mean
   * {@code (B, L)} for a Gaussian bottleneck.
   */
  INDArray encode(Map<String, INDArray> params, INDArray input);

  /** What the decoder receives for the given codes or latents (the inverse view of encode). */
  INDArray decode(Map<String, INDArray> params, INDArray codes);

  /** Number of distinct codes (codebook size; may exceed 2^31), or 0 for a continuous bottleneck. */
  long codebookSize();
}
