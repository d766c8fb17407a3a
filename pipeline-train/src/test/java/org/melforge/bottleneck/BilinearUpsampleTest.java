package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.melforge.bottleneck.TestArrays.assertClose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.BilinearUpsample;
import org.melforge.model.layers.MeanSquaredErrorLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * {@link BilinearUpsample} against PyTorch's {@code F.interpolate(x, scale_factor=2,
 * mode='bilinear', align_corners=False)}; the expected values come from
 * {@code src/test/python/bilinear_upsample_expected.py} (torch 1.13).
 */
@ExtendWith(DoublePrecision.class)
class BilinearUpsampleTest {

  private static double[] expected() throws IOException {
    try (InputStream in = BilinearUpsampleTest.class.getResourceAsStream(
        "/bilinear_upsample_expected.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).mapToDouble(Double::parseDouble).toArray();
    }
  }

  @Test
  void matchesPyTorch() throws IOException {
    int b = 2;
    int c = 2;
    int h = 3;
    int w = 4;
    INDArray x = Nd4j.create(DataType.DOUBLE, b, c, h, w);
    for (int i = 0; i < b; i++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < w; xx++) {
            x.putScalar(new long[] {i, ch, y, xx},
                Math.pow((i * 7 + ch * 5 + y * 3 + xx) % 11, 1.5) / 10);
          }
        }
      }
    }
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder().addInputs("x")
        .setInputTypes(InputType.convolutional(h, w, c))
        .addLayer("up", new BilinearUpsample(c, h, w), "x")
        .addLayer("out", new MeanSquaredErrorLoss(), "up")
        .setOutputs("out").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    INDArray up = g.outputSingle(false, x);
    assertArrayEquals(new long[] {b, c, 2 * h, 2 * w}, up.shape());
    assertClose(expected(), up, 1e-12, "upsampled");
  }
}
