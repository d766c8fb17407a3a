package org.melforge.eval.report;

import static org.melforge.eval.report.Html.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Writes the eval job's {@code report.html}: one self-contained page that opens offline and
 * fetches nothing. Apache ECharts is inlined from its WebJar and draws every chart as SVG from an
 * option object built here; spectrograms are PNG and audio is WAV, both as {@code data:} URIs. A
 * Content-Security-Policy allows nothing else. A script records JavaScript errors and policy
 * violations in the element {@code report-errors} and, once the charts are drawn, sets the body's
 * {@code data-charts} attribute to how many were.
 */
public final class ReportWriter {

  /** The page's Content-Security-Policy: inline script and style, data: images and media. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; "
      + "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; media-src data:";

  /** The inlined ECharts bundle on the classpath (the {@code org.webjars.npm:echarts} WebJar). */
  public static final String ECHARTS =
      "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

  private static final String RESOURCES = "org/melforge/eval/report/";

  private ReportWriter() {}

  /** Writes the page of {@code report} to {@code out}, which stays open. */
  public static void write(Report report, Writer out) throws IOException {
    out.write(html(report));
    out.flush();
  }

  /** The page of {@code report}. */
  public static String html(Report report) {
    Charts charts = new Charts();
    StringBuilder body = new StringBuilder(1 << 16);
    header(body, report);
    sections(body, charts, report.models());
    return page(report.title(), body, charts);
  }

  private static String page(String title, StringBuilder body, Charts charts) {
    StringBuilder out = new StringBuilder(body.length() + (1 << 21));
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(CONTENT_SECURITY_POLICY).append("\">\n<title>").append(text(title))
        .append("</title>\n<style>\n").append(resource(RESOURCES + "report.css"))
        .append("</style>\n<script>\n").append(Html.script(resource(RESOURCES + "errors.js")))
        .append("</script>\n</head>\n<body>\n<div id=\"report-errors\" role=\"alert\"></div>\n")
        .append(body)
        .append("<script type=\"application/json\" id=\"report-charts\">").append(charts.json())
        .append("</script>\n<script>\n").append(Html.script(resource(ECHARTS)))
        .append("\n</script>\n<script>\n").append(Html.script(resource(RESOURCES + "charts.js")))
        .append("</script>\n</body></html>\n");
    return out.toString();
  }

  private static void header(StringBuilder out, Report report) {
    out.append("<header><h1>").append(text(report.title())).append("</h1>\n<p>Table <code>")
        .append(text(report.table())).append("</code>, split <code>").append(text(report.split()))
        .append("</code>, ").append(report.models().size()).append(" model(s): ");
    List<String> ids = report.models().stream().map(m -> "<code>" + text(m.checkpointId())
        + "</code>").toList();
    out.append(String.join(", ", ids)).append(".</p>\n<p class=\"note\">Written by the MelForge ")
        .append("eval job. Self-contained: charts by Apache ECharts (inlined), images and audio ")
        .append("embedded; the page fetches nothing.</p>\n</header>\n");
  }

  private static void sections(StringBuilder out, Charts charts, List<ModelResult> models) {
    StringBuilder content = new StringBuilder();
    StringBuilder nav = new StringBuilder("<nav><ul>");
    section(content, nav, "summary", "Summary", summaries(models));
    if (models.size() > 1) {
      section(content, nav, "comparison", "Comparison", table(Tables::comparison, models));
    }
    if (models.stream().anyMatch(m -> !m.groups().isEmpty())) {
      section(content, nav, "groups", "By group", table(Tables::groups, models));
    }
    section(content, nav, "distributions", "Metric distributions", distributions(charts, models));
    section(content, nav, "levels", "Bottleneck levels", levels(charts, models));
    section(content, nav, "examples", "Examples", examples(models));
    section(content, nav, "latent", "Latent map", latentMaps(charts, models));
    out.append(nav).append("</ul></nav>\n").append(content);
  }

  private static void section(StringBuilder out, StringBuilder nav, String id, String heading,
      StringBuilder content) {
    if (content.isEmpty()) {
      return;
    }
    nav.append("<li><a href=\"#").append(id).append("\">").append(heading).append("</a></li>");
    out.append("<section id=\"").append(id).append("\"><h2>").append(heading).append("</h2>\n")
        .append(content).append("</section>\n");
  }

  private static StringBuilder table(BiConsumer<StringBuilder, List<ModelResult>> writer,
      List<ModelResult> models) {
    StringBuilder out = new StringBuilder();
    writer.accept(out, models);
    return out;
  }

  private static StringBuilder summaries(List<ModelResult> models) {
    StringBuilder out = new StringBuilder();
    for (ModelResult m : models) {
      out.append("<h3>").append(text(m.checkpointId())).append("</h3>\n<p class=\"meta\">")
          .append("family <code>").append(text(m.family())).append("</code>, preset <code>")
          .append(text(m.preset())).append("</code>, ").append(m.exampleCount())
          .append(" examples, checkpoint <code>").append(text(m.checkpointPath()))
          .append("</code></p>\n");
      Tables.summary(out, m);
    }
    return out;
  }

  private static StringBuilder distributions(Charts charts, List<ModelResult> models) {
    StringBuilder out = new StringBuilder();
    TreeSet<String> metrics = new TreeSet<>();
    models.forEach(m -> metrics.addAll(m.histograms().keySet()));
    for (String metric : Metrics.ordered(metrics)) {
      out.append("<h3>").append(text(metric)).append("</h3>\n<div class=\"charts\">");
      for (ModelResult m : models) {
        Histogram h = m.histograms().get(metric);
        if (h != null) {
          out.append(charts.container(
              ChartOptions.histogram(m.checkpointId() + ": " + metric, metric, h), "small"));
        }
      }
      out.append("</div>\n");
    }
    return out;
  }

  private static StringBuilder levels(Charts charts, List<ModelResult> models) {
    StringBuilder out = new StringBuilder();
    models.forEach(m -> m.levels().forEach(level -> LevelSection.append(out, charts, m, level)));
    return out;
  }

  private static StringBuilder examples(List<ModelResult> models) {
    StringBuilder out = new StringBuilder();
    models.forEach(m -> m.examples().forEach(e -> ExampleSection.append(out, m, e)));
    return out;
  }

  private static StringBuilder latentMaps(Charts charts, List<ModelResult> models) {
    StringBuilder out = new StringBuilder();
    for (ModelResult m : models) {
      if (m.latentMap() != null) {
        out.append(charts.container(ChartOptions.latentMap(
            m.checkpointId() + ": posterior means by label", m.latentMap()), "tall"));
      }
    }
    return out;
  }

  private static String resource(String name) {
    try (InputStream in = ReportWriter.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing from the classpath: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
