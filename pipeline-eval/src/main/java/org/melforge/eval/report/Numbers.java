package org.melforge.eval.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number formatting of the page: four significant digits, and {@code inf}, {@code nan}. */
final class Numbers {

  private static final MathContext DIGITS = new MathContext(4);

  private Numbers() {}

  /** {@code v} with four significant digits; {@code inf}, {@code -inf}, {@code nan} as such. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return "0";
    }
    double abs = Math.abs(v);
    if (abs < 1e-3 || abs >= 1e6) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return new BigDecimal(v).round(DIGITS).stripTrailingZeros().toPlainString();
  }
}
