package org.melforge.eval.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * PNG images of an example's tensors: low mel bands at the bottom, one block of
 * {@link #scale(int)} pixels per value, padding frames dimmed.
 */
final class Spectrograms {

  /** Images are scaled up by whole pixels until they are at least this tall. */
  private static final int MIN_HEIGHT = 160;
  private static final double PADDING_DIM = 0.4;

  private Spectrograms() {}

  /** Pixels per value along each side for tensors of {@code nMels} bands. */
  static int scale(int nMels) {
    return Math.max(1, (MIN_HEIGHT + nMels - 1) / nMels);
  }

  /** The stored values {@code [-1, 1]} of a tensor of {@code e}'s shape in viridis. */
  static byte[] spectrogram(ExampleView e, float[] values) {
    return png(e, i -> Colormap.VIRIDIS.rgb((values[i] + 1) / 2));
  }

  /** {@code |original - reconstruction|} in magma, scaled to {@link #maxError(ExampleView)}. */
  static byte[] error(ExampleView e) {
    double max = Math.max(maxError(e), Double.MIN_NORMAL);
    return png(e, i -> Colormap.MAGMA.rgb(Math.abs(e.original()[i] - e.reconstruction()[i]) / max));
  }

  /** The largest {@code |original - reconstruction|} of {@code e}. */
  static double maxError(ExampleView e) {
    double max = 0;
    for (int i = 0; i < e.original().length; i++) {
      max = Math.max(max, Math.abs(e.original()[i] - e.reconstruction()[i]));
    }
    return max;
  }

  /** A {@code data:} URI of PNG bytes. */
  static String dataUri(byte[] png) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }

  private interface Pixel {
    int rgb(int index);
  }

  private static byte[] png(ExampleView e, Pixel pixel) {
    int s = scale(e.nMels());
    BufferedImage image =
        new BufferedImage(e.nFrames() * s, e.nMels() * s, BufferedImage.TYPE_INT_RGB);
    for (int m = 0; m < e.nMels(); m++) {
      for (int t = 0; t < e.nFrames(); t++) {
        int rgb = pixel.rgb(m * e.nFrames() + t);
        fill(image, t * s, (e.nMels() - 1 - m) * s, s, t < e.validFrames() ? rgb : dim(rgb));
      }
    }
    return encode(image);
  }

  private static void fill(BufferedImage image, int x, int y, int s, int rgb) {
    for (int dy = 0; dy < s; dy++) {
      for (int dx = 0; dx < s; dx++) {
        image.setRGB(x + dx, y + dy, rgb);
      }
    }
  }

  private static int dim(int rgb) {
    int out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      out |= (int) (((rgb >> shift) & 0xff) * PADDING_DIM) << shift;
    }
    return out;
  }

  private static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }
}
