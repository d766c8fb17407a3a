package org.melforge.eval.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Order of metrics on the page and which way each one is better. */
final class Metrics {

  /** The reconstruction metrics, shown first in this order; other metrics follow by name. */
  static final List<String> RECONSTRUCTION = List.of("mse", "psnr", "rmse_db", "ssim",
      "mse_valid", "psnr_valid", "rmse_db_valid", "ssim_valid");

  /** The metrics of the per-group comparison, where present. */
  static final List<String> GROUP_HEADLINE = List.of("mse_valid", "psnr_valid", "ssim_valid");

  private Metrics() {}

  /** {@code names} without duplicates, reconstruction metrics first, then by name. */
  static List<String> ordered(Collection<String> names) {
    List<String> out = new ArrayList<>(new TreeSet<>(names));
    out.sort(Comparator.comparingInt(Metrics::rank));
    return out;
  }

  /** Whether a larger value is better: PSNR and SSIM; errors and loss parts are better lower. */
  static boolean higherIsBetter(String metric) {
    return metric.startsWith("psnr") || metric.startsWith("ssim");
  }

  /**
   * Indexes of the best values of {@code metric} among {@code values} (all of them on a tie), or
   * none when fewer than two values are comparable (NaN and null are not) or all are equal.
   */
  static Set<Integer> best(String metric, List<Double> values) {
    Set<Integer> best = new TreeSet<>();
    double bestValue = Double.NaN;
    int comparable = 0;
    for (int i = 0; i < values.size(); i++) {
      Double v = values.get(i);
      if (v == null || v.isNaN()) {
        continue;
      }
      comparable++;
      int order = best.isEmpty() ? 1 : compare(metric, v, bestValue);
      if (order > 0) {
        best.clear();
        bestValue = v;
      }
      if (order >= 0) {
        best.add(i);
      }
    }
    return comparable < 2 || best.size() == comparable ? Set.of() : best;
  }

  /** Positive when {@code a} is better than {@code b}, zero when equal. */
  private static int compare(String metric, double a, double b) {
    int c = Double.compare(a, b);
    return higherIsBetter(metric) ? c : -c;
  }

  private static int rank(String metric) {
    int i = RECONSTRUCTION.indexOf(metric);
    return i < 0 ? RECONSTRUCTION.size() : i;
  }
}
