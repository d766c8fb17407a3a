package org.melforge.eval.codes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Level statistics are exact: the batches of a split counted in one partition, or in several
 * partitions merged in any order, give identical numbers (never a mean of per-batch values).
 */
class LevelStatisticsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"auddsr-tiny", "timbre-vae-tiny", "vqvae-80x128-tiny",
      "bsq-cnn-80x128-tiny"})
  void onePartitionAndManyGiveIdenticalNumbers(String preset) throws Exception {
    TokenizerModel model = TokenizerModel.create(TinyPresets.spec(preset), 1e-3, 11);
    int h = model.spec().nMels();
    int w = model.spec().nFrames();
    List<Map<String, INDArray>> batches = new ArrayList<>();
    for (int b = 0; b < 6; b++) {
      INDArray x = TinyPresets.spectrograms(3, h, w, 100 + b);
      batches.add(model.activations(model.evaluationBatch(x, 0)));
    }
    LevelStatistics one = new LevelStatistics(model);
    batches.forEach(acts -> one.add(model, acts));
    List<LevelStatistics> partitions = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      LevelStatistics s = new LevelStatistics(model);
      s.add(model, batches.get(2 * p));
      s.add(model, batches.get(2 * p + 1));
      partitions.add(s);
    }
    LevelStatistics many = partitions.get(2).merge(partitions.get(0)).merge(partitions.get(1));
    String expected = JSON.writeValueAsString(one.toJson(1.28));
    assertEquals(expected, JSON.writeValueAsString(many.toJson(1.28)));
    LevelStatistics fewer = new LevelStatistics(model);
    fewer.add(model, batches.get(0));
    assertNotEquals(expected, JSON.writeValueAsString(fewer.toJson(1.28)),
        "the comparison sees a difference in the data");
  }
}
