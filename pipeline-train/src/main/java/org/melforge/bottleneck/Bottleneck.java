package org.melforge.bottleneck;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The information bottleneck of a tokenizer, whatever its family: a vector quantizer (codes), a
 * Gaussian posterior (latents), and later binary spherical quantization and sparse dictionaries.
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
    GAUSSIAN
  }

  /** The kind of this bottleneck. */
  Kind kind();

  /**
   * Codes or latents of a bottleneck input (the activation that enters the bottleneck layer):
   * code indices {@code (B, h, w)} as {@code long}s for a quantizer, the posterior mean
   * {@code (B, L)} for a Gaussian bottleneck.
   */
  INDArray encode(Map<String, INDArray> params, INDArray input);

  /** What the decoder receives for the given codes or latents (the inverse view of encode). */
  INDArray decode(Map<String, INDArray> params, INDArray codes);

  /** Number of distinct codes (codebook size; may exceed 2^31), or 0 for a continuous bottleneck. */
  long codebookSize();
}
