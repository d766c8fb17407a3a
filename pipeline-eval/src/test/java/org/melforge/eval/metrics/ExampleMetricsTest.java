package org.melforge.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExampleMetricsTest {

  @Test
  void handCheckedConstantError() {
    // Every value off by 0.5: MSE 0.25, PSNR 10 log10(4 / 0.25) = 10 log10(16), RMSE 0.5 * 40 dB.
    float[] original = new float[12 * 16];
    float[] reconstruction = new float[12 * 16];
    Arrays.fill(reconstruction, 0.5f);
    ExampleMetrics m = ExampleMetrics.of(original, reconstruction, 12, 16, 16);
    assertEquals(0.25, m.mse(), 0.0);
    assertEquals(12.041199826559248, m.psnr(), 1e-12);
    assertEquals(20.0, m.rmseDb(), 1e-12);
    assertEquals(m.mse(), m.mseValid(), 0.0);
    assertEquals(m.psnr(), m.psnrValid(), 0.0);
    assertEquals(m.rmseDb(), m.rmseDbValid(), 0.0);
    assertEquals(m.ssim(), m.ssimValid(), 0.0);
  }

  @Test
  void handCheckedValidFramesAgainstPadding() {
    // 12 x 16, 10 valid frames: valid values 0.25 vs 0.5 (error 0.25), padding -1 vs 0 (error 1).
    int nMels = 12;
    int nFrames = 16;
    float[] original = new float[nMels * nFrames];
    float[] reconstruction = new float[nMels * nFrames];
    for (int m = 0; m < nMels; m++) {
      for (int t = 0; t < nFrames; t++) {
        boolean valid = t < 10;
        original[m * nFrames + t] = valid ? 0.25f : -1f;
        reconstruction[m * nFrames + t] = valid ? 0.5f : 0f;
      }
    }
    ExampleMetrics m = ExampleMetrics.of(original, reconstruction, nMels, nFrames, 10);
    // whole: (10 * 0.0625 + 6 * 1) / 16 = 0.4140625
    assertEquals(0.4140625, m.mse(), 0.0);
    assertEquals(9.849940913750416, m.psnr(), 1e-12); // 10 log10(4 / 0.4140625)
    assertEquals(25.739075352467502, m.rmseDb(), 1e-12); // 40 sqrt(0.4140625)
    assertEquals(0.0625, m.mseValid(), 0.0);
    assertEquals(18.061799739838872, m.psnrValid(), 1e-12); // 10 log10(64)
    assertEquals(10.0, m.rmseDbValid(), 1e-12); // 40 * 0.25
    assertTrue(Double.isNaN(m.ssimValid()), "10 valid frames are narrower than the SSIM window");
    assertTrue(Double.isFinite(m.ssim()));
  }

  @Test
  void identicalTensorsHaveInfinitePsnr() {
    float[] tensor = SsimTest.random(16 * 20, 7);
    ExampleMetrics m = ExampleMetrics.of(tensor, tensor.clone(), 16, 20, 13);
    assertEquals(0.0, m.mse(), 0.0);
    assertEquals(Double.POSITIVE_INFINITY, m.psnr());
    assertEquals(0.0, m.rmseDb(), 0.0);
    assertEquals(1.0, m.ssim(), 1e-12);
    assertEquals(0.0, m.mseValid(), 0.0);
    assertEquals(Double.POSITIVE_INFINITY, m.psnrValid());
    assertEquals(0.0, m.rmseDbValid(), 0.0);
    assertEquals(1.0, m.ssimValid(), 1e-12);
  }

  @Test
  void validFramesVariantsEqualTheWholeMetricsOfTheCrop() {
    int nMels = 20;
    int nFrames = 40;
    int valid = 27;
    float[] original = SsimTest.random(nMels * nFrames, 8);
    float[] reconstruction = SsimTest.random(nMels * nFrames, 9);
    ExampleMetrics m = ExampleMetrics.of(original, reconstruction, nMels, nFrames, valid);
    ExampleMetrics crop = ExampleMetrics.of(SsimTest.crop(original, nMels, nFrames, valid),
        SsimTest.crop(reconstruction, nMels, nFrames, valid), nMels, valid, valid);
    assertEquals(crop.mse(), m.mseValid(), 0.0);
    assertEquals(crop.psnr(), m.psnrValid(), 0.0);
    assertEquals(crop.rmseDb(), m.rmseDbValid(), 0.0);
    assertEquals(crop.ssim(), m.ssimValid(), 0.0);
    assertTrue(Math.abs(m.ssim() - m.ssimValid()) > 1e-6 && m.mse() != m.mseValid());
  }

  @Test
  void noValidFramesLeavesTheValidVariantsUndefined() {
    float[] original = SsimTest.random(16 * 20, 10);
    float[] reconstruction = SsimTest.random(16 * 20, 11);
    ExampleMetrics m = ExampleMetrics.of(original, reconstruction, 16, 20, 0);
    assertTrue(Double.isFinite(m.mse()) && Double.isFinite(m.psnr()) && Double.isFinite(m.ssim()));
    assertTrue(Double.isNaN(m.mseValid()));
    assertTrue(Double.isNaN(m.psnrValid()));
    assertTrue(Double.isNaN(m.rmseDbValid()));
    assertTrue(Double.isNaN(m.ssimValid()));
  }

  @Test
  void matchesNumpyAndScikitImageOnTheReferencePairs() {
    Ssim ssim = new Ssim();
    for (SkimageCases c : SkimageCases.load()) {
      ExampleMetrics m = ExampleMetrics.of(c.im1(), c.im2(), c.rows(), c.cols(), c.validFrames(), ssim);
      assertEquals(c.mse(), m.mse(), 1e-12 * c.mse(), c.name());
      assertEquals(c.mseValid(), m.mseValid(), 1e-12 * c.mseValid(), c.name());
      assertEquals(c.ssim(), m.ssim(), 1e-6, c.name());
      assertEquals(c.ssimValid(), m.ssimValid(), 1e-6, c.name());
    }
  }

  @Test
  void refusesInvalidInputNamingTheValue() {
    float[] ok = new float[12 * 16];
    assertMessage("validFrames must be in [0, nFrames = 16], got 17",
        () -> ExampleMetrics.of(ok, ok, 12, 16, 17));
    assertMessage("validFrames must be in [0, nFrames = 16], got -1",
        () -> ExampleMetrics.of(ok, ok, 12, 16, -1));
    assertMessage("got nMels 0, nFrames 16", () -> ExampleMetrics.of(ok, ok, 0, 16, 0));
    assertMessage("got nMels 12, nFrames -3", () -> ExampleMetrics.of(ok, ok, 12, -3, 0));
    assertMessage("reconstruction holds 191 floats, a 12 x 16 tensor needs 192",
        () -> ExampleMetrics.of(ok, new float[191], 12, 16, 16));
    assertMessage("original is null", () -> ExampleMetrics.of(null, ok, 12, 16, 16));
    assertMessage("got 8 x 24", () -> ExampleMetrics.of(new float[8 * 24], new float[8 * 24], 8, 24, 24));
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
