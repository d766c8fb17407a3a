package org.melforge.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The BSQ-CNN graph where the encoder's last ReLU leaves whole positions at zero. */
class BsqCnnTest {

  @Test
  void positionsTheEncoderLeavesAtZeroStillNormaliseAndTrain() {
    TokenizerModel model = TokenizerModel.create(TinyPresets.spec("bsq-cnn-80x128-tiny"), 1e-3, 11);
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 12, 1, 80, 128).muli(2).subi(1);
    INDArray encoded = model.graph().feedForward(x, false).get(model.inputOf("pre_bsq"));
    INDArray norms = encoded.permute(0, 2, 3, 1).dup('c').reshape(-1, encoded.size(1)).norm2(1);
    assertTrue(norms.eq(0).castTo(DataType.INT).sumNumber().intValue() > 0,
        "the batch has positions where every encoder channel is zero");
    Random random = new Random(1);
    for (int step = 0; step < 3; step++) {
      model.graph().fit(model.batch(x, step, random));
      double score = model.graph().score();
      double params = model.graph().params().sumNumber().doubleValue();
      assertTrue(Double.isFinite(score) && Double.isFinite(params),
          "step " + step + ": score " + score + ", parameter sum " + params);
    }
  }
}
