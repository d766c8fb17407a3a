package org.melforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The per-example loss parts average to the batch's: the reconstruction and quantizer losses and
 * the KL divergence are means over equal-sized examples, so their batch values are the means of
 * the examples' values (the VAE's total is not: the batch clamps its mean KL per dimension); and
 * they come in the order {@link LossParts#perExampleNames} announces.
 */
class LossPartsTest {

  @ParameterizedTest
  @ValueSource(strings = {"vqvae-80x128-tiny", "auddsr-tiny", "timbre-vae-tiny",
      "bsq-cnn-80x128-tiny", "bsq-cnn-128x320-tiny"})
  void perExamplePartsAverageToTheBatchParts(String preset) {
    TokenizerModel model = TokenizerModel.create(TinyPresets.spec(preset), 1e-3, 5);
    INDArray x = TinyPresets.spectrograms(5, model.spec().nMels(), model.spec().nFrames(), 9);
    MultiDataSet batch = model.evaluationBatch(x, 100);
    Map<String, INDArray> acts = model.activations(batch);
    Map<String, Double> whole = LossParts.measure(model, acts, batch);
    Map<String, double[]> each = LossParts.perExample(model, acts, batch);
    assertEquals(LossParts.perExampleNames(model), List.copyOf(each.keySet()), preset);
    for (Map.Entry<String, double[]> part : each.entrySet()) {
      assertEquals(5, part.getValue().length, part.getKey());
      String name = part.getKey().equals("kl") ? "kl_raw" : part.getKey();
      if (name.equals("total") && model.spec().family() == Family.TIMBRE_VAE) {
        continue;
      }
      double mean = Arrays.stream(part.getValue()).average().orElseThrow();
      assertEquals(whole.get(name), mean, 1e-5 * Math.max(1, Math.abs(mean)), preset + " " + name);
    }
  }
}
