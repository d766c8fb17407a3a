package org.melforge.eval.report;

/**
 * Perceptual colormaps of matplotlib as lookup tables, interpolated linearly between colours
 * sampled at equal steps.
 */
enum Colormap {
  /** For spectrograms. */
  VIRIDIS(0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30,
      0xfde725),
  /** For error maps. */
  MAGMA(0x000004, 0x1c1044, 0x4f127b, 0x812581, 0xb5367a, 0xe55064, 0xfb8761, 0xfec287,
      0xfcfdbf);

  private static final int SIZE = 256;

  private final int[] table = new int[SIZE];

  Colormap(int... anchors) {
    for (int i = 0; i < SIZE; i++) {
      double pos = (double) i / (SIZE - 1) * (anchors.length - 1);
      int lo = Math.min((int) pos, anchors.length - 2);
      table[i] = mix(anchors[lo], anchors[lo + 1], pos - lo);
    }
  }

  /** RGB colour of {@code t} in [0, 1]; values outside are clamped, NaN is the lowest colour. */
  int rgb(double t) {
    if (!(t > 0)) {
      return table[0];
    }
    return table[(int) Math.round(Math.min(t, 1) * (SIZE - 1))];
  }

  private static int mix(int a, int b, double f) {
    int rgb = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      int ca = (a >> shift) & 0xff;
      int cb = (b >> shift) & 0xff;
      rgb |= (int) Math.round(ca + (cb - ca) * f) << shift;
    }
    return rgb;
  }
}
