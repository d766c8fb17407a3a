package org.melforge.eval.report;

import static org.melforge.eval.report.Html.text;
import static org.melforge.eval.report.Numbers.format;

import java.util.List;
import org.melforge.eval.metrics.Distribution;

/**
 * One bottleneck level: for codes its usage numbers, usage chart, most used codes and codebook
 * PCA; for binary codes also the share of +1 and the entropy of each bit; for a gaussian level its KL and posterior-mean variance per dimension and active units.
 */
final class LevelSection {

  /** The most used codes are listed in this many column pairs, ranked down each column. */
  private static final int TOP_CODE_COLUMNS = 4;

  private LevelSection() {}

  /** The level {@code level} of {@code model}. */
  static void append(StringBuilder out, Charts charts, ModelResult model, LevelStats level) {
    String name = model.checkpointId() + " \u00b7 " + level.name();
    out.append("<div class=\"level\"><h3>").append(text(name)).append(" <span class=\"tag\">")
        .append(text(level.kind())).append("</span></h3>\n<div class=\"row\">")
        .append("<div class=\"numbers\">");
    if (level.gaussian()) {
      gaussianNumbers(out, level);
      out.append("</div>");
      gaussianCharts(out, charts, name, level);
    } else {
      codeNumbers(out, level);
      topCodes(out, level);
      out.append("</div>");
      codeCharts(out, charts, name, level);
      if (level.binary()) {
        bitCharts(out, charts, name, level);
      }
    }
    out.append("</div></div>\n");
  }

  private static void codeNumbers(StringBuilder out, LevelStats level) {
    out.append("<table class=\"kv\"><tbody>");
    row(out, "codebook size", Long.toString(level.codebookSize()));
    row(out, "used", Long.toString(level.used()));
    row(out, "dead", Long.toString(level.dead()));
    row(out, "entropy (bits)", format(level.entropyBits()));
    row(out, "perplexity", format(level.perplexity()));
    row(out, "positions / s", format(level.positionsPerSecond()));
    row(out, "nominal bits / s", format(level.nominalBitsPerSecond()));
    row(out, "entropy bits / s", format(level.entropyBitsPerSecond()));
    if (level.pairwiseDistances() != null) {
      row(out, "pairwise distance", summary(level.pairwiseDistances()));
    }
    out.append("</tbody></table>\n");
  }

  private static void topCodes(StringBuilder out, LevelStats level) {
    List<long[]> top = level.topCodes();
    int rows = (top.size() + TOP_CODE_COLUMNS - 1) / TOP_CODE_COLUMNS;
    out.append("<table class=\"top-codes\"><caption>most used codes</caption><thead><tr>")
        .append("<th>code</th><th>positions</th>".repeat(Math.min(top.size(), TOP_CODE_COLUMNS)))
        .append("</tr></thead><tbody>");
    for (int row = 0; row < rows; row++) {
      out.append("<tr>");
      for (int i = row; i < top.size(); i += rows) {
        out.append("<td>").append(top.get(i)[0]).append("</td><td>").append(top.get(i)[1])
            .append("</td>");
      }
      out.append("</tr>");
    }
    out.append("</tbody></table>\n");
  }

  private static void codeCharts(StringBuilder out, Charts charts, String name, LevelStats level) {
    out.append("<div class=\"charts\">");
    if (level.usageCounts() != null) {
      out.append(charts.container(
          ChartOptions.usage(name + ": code usage, most used first", level.usageCounts()), "wide"));
    } else {
      out.append("<p class=\"note\">Usage counts per code were not kept for this codebook.</p>");
    }
    if (level.pca() != null) {
      out.append(charts.container(ChartOptions.pca(name + ": codebook PCA", level.pca(),
          level.usageCounts()), "wide"));
    }
    out.append("</div>\n");
  }

  private static void bitCharts(StringBuilder out, Charts charts, String name, LevelStats level) {
    out.append("<div class=\"charts\">")
        .append(charts.container(ChartOptions.perIndex(name
            + ": fraction of +1 per bit (most significant first)", "bit", "fraction of +1",
            level.bitPlusFraction()), "wide"))
        .append(charts.container(ChartOptions.perIndex(name + ": entropy per bit", "bit",
            "entropy (bits)", level.bitEntropyBits()), "wide"))
        .append("</div>\n");
  }

  private static void gaussianNumbers(StringBuilder out, LevelStats level) {
    double totalKl = 0;
    for (double kl : level.klPerDimension()) {
      totalKl += kl;
    }
    out.append("<table class=\"kv\"><tbody>");
    row(out, "dimensions", Integer.toString(level.klPerDimension().length));
    row(out, "active units", Integer.toString(level.activeUnits()));
    row(out, "KL (sum over dimensions)", format(totalKl));
    row(out, "positions / s", format(level.positionsPerSecond()));
    if (level.mu() != null) {
      row(out, "mu", summary(level.mu()));
    }
    if (level.logvar() != null) {
      row(out, "log variance", summary(level.logvar()));
    }
    out.append("</tbody></table>\n");
  }

  private static void gaussianCharts(StringBuilder out, Charts charts, String name,
      LevelStats level) {
    out.append("<div class=\"charts\">")
        .append(charts.container(ChartOptions.perIndex(name + ": KL per dimension", "dimension", "KL",
            level.klPerDimension()), "wide"))
        .append(charts.container(ChartOptions.perIndex(name + ": variance of mu per dimension",
            "dimension", "variance", level.muVariance()), "wide"))
        .append("</div>\n");
  }

  private static String summary(Distribution d) {
    return "mean " + format(d.mean()) + ", std " + format(d.std()) + ", p5 " + format(d.p5())
        + ", p50 " + format(d.p50()) + ", p95 " + format(d.p95());
  }

  private static void row(StringBuilder out, String key, String value) {
    out.append("<tr><th scope=\"row\">").append(text(key)).append("</th><td>").append(text(value))
        .append("</td></tr>");
  }
}
