package org.melforge.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SsimTest {

  private static final double TOLERANCE = 1e-6;

  @Test
  void matchesScikitImageOnTheReferencePairs() {
    List<SkimageCases> cases = SkimageCases.load();
    assertEquals(8, cases.size());
    Ssim ssim = new Ssim();
    double largest = 0;
    String where = "";
    for (SkimageCases c : cases) {
      double whole = ssim.mean(c.im1(), c.im2(), c.rows(), c.cols());
      double valid = ssim.meanOfFirstColumns(c.im1(), c.im2(), c.rows(), c.cols(), c.validFrames());
      assertEquals(c.ssim(), whole, TOLERANCE, c.name());
      assertEquals(c.ssimValid(), valid, TOLERANCE, c.name() + " first " + c.validFrames() + " columns");
      for (double diff : new double[] {Math.abs(whole - c.ssim()), Math.abs(valid - c.ssimValid())}) {
        if (diff >= largest) {
          largest = diff;
          where = c.name();
        }
      }
    }
    System.out.printf("SSIM vs scikit-image: largest |difference| %.3e (%s)%n", largest, where);
  }

  @Test
  void constantImagesGiveTheClosedForm() {
    // Constant images a and b: zero variances, so S = (2ab + C1) / (a^2 + b^2 + C1) everywhere.
    int rows = 12;
    int cols = 15;
    float a = 0.375f;
    float b = -0.625f;
    float[] im1 = new float[rows * cols];
    float[] im2 = new float[rows * cols];
    Arrays.fill(im1, a);
    Arrays.fill(im2, b);
    double c1 = (0.01 * 2) * (0.01 * 2);
    double expected = (2.0 * a * b + c1) / ((double) a * a + (double) b * b + c1);
    assertEquals(expected, new Ssim().mean(im1, im2, rows, cols), 1e-12);
  }

  @Test
  void firstColumnsEqualsTheCopiedCrop() {
    int rows = 40;
    int cols = 70;
    int width = 33;
    float[] im1 = random(rows * cols, 1);
    float[] im2 = random(rows * cols, 2);
    Ssim ssim = new Ssim();
    double strided = ssim.meanOfFirstColumns(im1, im2, rows, cols, width);
    double copied = ssim.mean(crop(im1, rows, cols, width), crop(im2, rows, cols, width), rows, width);
    assertEquals(copied, strided, 0.0);
    assertTrue(Math.abs(strided - ssim.mean(im1, im2, rows, cols)) > 1e-6,
        "the crop is a different image, its SSIM should differ");
  }

  @Test
  void oneInstanceGivesTheSameValuesAsFreshOnesAcrossSizes() {
    // Work arrays sized by one call must not leak into the next: narrow, then wider and shorter,
    // then narrower and taller, then the first again.
    int[][] shapes = {{30, 14}, {20, 60}, {40, 12}, {30, 14}};
    Ssim reused = new Ssim();
    for (int[] shape : shapes) {
      int n = shape[0] * shape[1];
      float[] im1 = random(n, n);
      float[] im2 = random(n, n + 1);
      assertEquals(new Ssim().mean(im1, im2, shape[0], shape[1]),
          reused.mean(im1, im2, shape[0], shape[1]), 0.0, shape[0] + " x " + shape[1]);
    }
  }

  @Test
  void refusesImagesSmallerThanTheWindowNamingTheShape() {
    Ssim ssim = new Ssim();
    IllegalArgumentException fewRows = assertThrows(IllegalArgumentException.class,
        () -> ssim.mean(new float[10 * 128], new float[10 * 128], 10, 128));
    assertTrue(fewRows.getMessage().contains("at least 11 x 11"), fewRows.getMessage());
    assertTrue(fewRows.getMessage().contains("got 10 x 128"), fewRows.getMessage());
    IllegalArgumentException fewCols = assertThrows(IllegalArgumentException.class,
        () -> ssim.mean(new float[128 * 10], new float[128 * 10], 128, 10));
    assertTrue(fewCols.getMessage().contains("got 128 x 10"), fewCols.getMessage());
    IllegalArgumentException narrowCrop = assertThrows(IllegalArgumentException.class,
        () -> ssim.meanOfFirstColumns(new float[128 * 320], new float[128 * 320], 128, 320, 10));
    assertTrue(narrowCrop.getMessage().contains("got 128 x 10"), narrowCrop.getMessage());
    assertEquals(11, Ssim.WINDOW);
  }

  @Test
  void refusesInconsistentArguments() {
    Ssim ssim = new Ssim();
    IllegalArgumentException shortArray = assertThrows(IllegalArgumentException.class,
        () -> ssim.mean(new float[20 * 30], new float[20 * 30 - 1], 20, 30));
    assertTrue(shortArray.getMessage().contains("im2 holds 599 values, a 20 x 30 image needs 600"),
        shortArray.getMessage());
    IllegalArgumentException tooWide = assertThrows(IllegalArgumentException.class,
        () -> ssim.meanOfFirstColumns(new float[20 * 30], new float[20 * 30], 20, 30, 31));
    assertTrue(tooWide.getMessage().contains("first 31 columns of images of 30 columns"),
        tooWide.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ssim.mean(null, new float[20 * 30], 20, 30));
    assertTrue(missing.getMessage().contains("im1 is null"), missing.getMessage());
  }

  static float[] random(int n, long seed) {
    Random rng = new Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = rng.nextFloat() * 2 - 1;
    }
    return out;
  }

  static float[] crop(float[] image, int rows, int cols, int width) {
    float[] out = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(image, r * cols, out, r * width, width);
    }
    return out;
  }
}
