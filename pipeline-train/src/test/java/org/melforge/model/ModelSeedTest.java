package org.melforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The seed fixes a fresh model's parameters, for every tiny preset: the same seed gives the same
 * parameters, seed 0 included (ND4J reads 0 as "no seed", {@link TokenizerModel#graphSeed}), and
 * another seed other ones.
 */
class ModelSeedTest {

  @ParameterizedTest
  @ValueSource(strings = {"vqvae-80x128-tiny", "vqvae-128x320-tiny", "auddsr-tiny", "timbre-vae-tiny",
      "bsq-cnn-80x128-tiny", "bsq-cnn-128x320-tiny"})
  void theSeedFixesTheInitialParameters(String preset) {
    ModelSpec spec = TinyPresets.spec(preset);
    INDArray zero = parameters(spec, 0);
    assertEquals(zero, parameters(spec, 0), "seed 0, twice");
    assertEquals(parameters(spec, 42), parameters(spec, 42), "seed 42, twice");
    assertNotEquals(zero, parameters(spec, 42), "seeds 0 and 42");
  }

  private static INDArray parameters(ModelSpec spec, long seed) {
    return TokenizerModel.create(spec, 1e-3, seed).graph().params().dup();
  }
}
