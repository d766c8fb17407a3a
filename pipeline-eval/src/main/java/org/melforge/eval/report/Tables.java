package org.melforge.eval.report;

import static org.melforge.eval.report.Html.text;
import static org.melforge.eval.report.Numbers.format;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.melforge.eval.metrics.Distribution;

/**
 * The page's tables: a summary per model, the side-by-side comparison of models and the
 * comparison per group. In comparisons the better value per row is marked with class {@code best}.
 */
final class Tables {

  private static final String MARK = " <span class=\"mark\" title=\"better\">&#9733;</span>";

  private Tables() {}

  /** Every metric's summary of {@code model}. */
  static void summary(StringBuilder out, ModelResult model) {
    out.append("<table class=\"stats\"><thead><tr><th>metric</th><th>n</th><th>mean</th>")
        .append("<th>std</th><th>p5</th><th>p50</th><th>p95</th></tr></thead><tbody>\n");
    for (String metric : Metrics.ordered(model.overall().keySet())) {
      Distribution d = model.overall().get(metric);
      out.append("<tr><th scope=\"row\">").append(text(metric)).append("</th><td>")
          .append(d.count()).append("</td>");
      for (double v : new double[] {d.mean(), d.std(), d.p5(), d.p50(), d.p95()}) {
        out.append("<td>").append(format(v)).append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  /** Mean of every metric per model, the better one marked. */
  static void comparison(StringBuilder out, List<ModelResult> models) {
    out.append("<table class=\"compare\" id=\"compare-overall\"><thead><tr><th>metric (mean)</th>")
        .append("<th>better</th>");
    models.forEach(m -> out.append("<th>").append(text(m.checkpointId())).append("</th>"));
    out.append("</tr></thead><tbody>\n");
    Set<String> metrics = union(models, m -> m.overall().keySet());
    for (String metric : Metrics.ordered(metrics)) {
      out.append("<tr data-metric=\"").append(text(metric)).append("\"><th scope=\"row\">")
          .append(text(metric)).append("</th><td class=\"dir\">").append(direction(metric))
          .append("</td>");
      cells(out, metric, models, models.stream().map(m -> m.overall().get(metric)).toList());
      out.append("</tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  /** Per grouping key, the mean of the headline metrics per group value and model. */
  static void groups(StringBuilder out, List<ModelResult> models) {
    for (String key : union(models, m -> m.groups().keySet())) {
      Set<String> values = union(models, m -> m.groups().getOrDefault(key, Map.of()).keySet());
      List<String> metrics = groupMetrics(models, key);
      out.append("<h3>By ").append(text(key)).append("</h3>\n<table class=\"compare\" ")
          .append("data-group-key=\"").append(text(key)).append("\"><thead><tr><th rowspan=\"2\">")
          .append(text(key)).append("</th>");
      metrics.forEach(metric -> out.append("<th colspan=\"").append(models.size()).append("\">")
          .append(text(metric)).append(" (").append(direction(metric)).append(")</th>"));
      out.append("</tr><tr>");
      metrics.forEach(metric -> models.forEach(
          m -> out.append("<th>").append(text(m.checkpointId())).append("</th>")));
      out.append("</tr></thead><tbody>\n");
      values.forEach(value -> groupRow(out, models, key, value, metrics));
      out.append("</tbody></table>\n");
    }
  }

  private static void groupRow(StringBuilder out, List<ModelResult> models, String key,
      String value, List<String> metrics) {
    out.append("<tr data-group=\"").append(text(value)).append("\"><th scope=\"row\">")
        .append(text(value)).append("</th>");
    for (String metric : metrics) {
      cells(out, metric, models, models.stream().map(m -> m.groups()
          .getOrDefault(key, Map.of()).getOrDefault(value, Map.of()).get(metric)).toList());
    }
    out.append("</tr>\n");
  }

  private static List<String> groupMetrics(List<ModelResult> models, String key) {
    Set<String> all = union(models, m -> union(m.groups().getOrDefault(key, Map.of()).values(),
        Map::keySet));
    List<String> headline = Metrics.GROUP_HEADLINE.stream().filter(all::contains).toList();
    return headline.isEmpty() ? Metrics.ordered(all) : headline;
  }

  /** One cell per model with the mean of its summary, the better ones marked. */
  private static void cells(StringBuilder out, String metric, List<ModelResult> models,
      List<Distribution> summaries) {
    List<Double> means = new ArrayList<>();
    summaries.forEach(d -> means.add(d == null ? null : d.mean()));
    Set<Integer> best = Metrics.best(metric, means);
    for (int i = 0; i < models.size(); i++) {
      Distribution d = summaries.get(i);
      out.append("<td data-metric=\"").append(text(metric)).append("\" data-model=\"")
          .append(text(models.get(i).checkpointId())).append('"');
      if (best.contains(i)) {
        out.append(" class=\"best\"");
      }
      if (d == null) {
        out.append(">&ndash;</td>");
        continue;
      }
      out.append(" title=\"n ").append(d.count()).append(", std ").append(format(d.std()))
          .append(", p50 ").append(format(d.p50())).append("\">").append(format(d.mean()))
          .append(best.contains(i) ? MARK : "").append("</td>");
    }
  }

  private static String direction(String metric) {
    return Metrics.higherIsBetter(metric) ? "higher" : "lower";
  }

  private static <T> Set<String> union(Collection<T> items,
      Function<T, Collection<String>> names) {
    Set<String> all = new TreeSet<>();
    items.forEach(item -> all.addAll(names.apply(item)));
    return all;
  }
}
