package org.melforge.eval.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * ECharts option objects of the page's charts. Non-finite numbers become {@code null}, a missing
 * value to ECharts, so the JSON stays valid. Animation is off: a chart is complete once rendered.
 */
final class ChartOptions {

  /** Charts of more points show every k-th one, to keep the page light. */
  static final int MAX_POINTS = 2048;

  private ChartOptions() {}

  /** Bar chart of a histogram, bins labelled by their lower edges. */
  static ObjectNode histogram(String title, String metric, Histogram h) {
    ObjectNode option = base(title, metric, "examples");
    ArrayNode labels = axis(option, "xAxis").put("type", "category").putArray("data");
    ArrayNode counts = array();
    for (int i = 0; i < h.counts().length; i++) {
      labels.add(Numbers.format(h.lowerEdge(i)));
      counts.add(h.counts()[i]);
    }
    series(option, "bar", counts).put("barCategoryGap", "5%");
    return option;
  }

  /** Usage counts per code, sorted from most to least used, as an area over the rank. */
  static ObjectNode usage(String title, long[] usageCounts) {
    long[] sorted = usageCounts.clone();
    Arrays.sort(sorted);
    ObjectNode option = base(title, "code rank", "positions");
    axis(option, "xAxis").put("max", sorted.length - 1);
    ArrayNode data = array();
    int step = stride(sorted.length);
    for (int rank = 0; rank < sorted.length; rank += step) {
      data.addArray().add(rank).add(sorted[sorted.length - 1 - rank]);
    }
    series(option, "line", data).put("showSymbol", false).putObject("areaStyle");
    return option;
  }

  /** Scatter of the codebook's 2-D PCA, coloured by usage when counts are known. */
  static ObjectNode pca(String title, double[][] pca, long[] usageCounts) {
    ObjectNode option = base(title, "PC 1", "PC 2");
    scaled(option);
    ArrayNode data = array();
    long maxUsage = 0;
    int step = stride(pca.length);
    for (int code = 0; code < pca.length; code += step) {
      ArrayNode point = data.addArray();
      number(point, pca[code][0]);
      number(point, pca[code][1]);
      if (usageCounts != null) {
        point.add(usageCounts[code]);
        maxUsage = Math.max(maxUsage, usageCounts[code]);
      }
    }
    series(option, "scatter", data).put("symbolSize", 5);
    if (usageCounts != null) {
      usageColours(option, maxUsage);
    }
    return option;
  }

  /** Bar chart of one value per index (a latent dimension, a bit), the index axis named {@code indexName}. */
  static ObjectNode perIndex(String title, String indexName, String valueName, double[] values) {
    ObjectNode option = base(title, indexName, valueName);
    ArrayNode labels = axis(option, "xAxis").put("type", "category").putArray("data");
    ArrayNode data = array();
    for (int d = 0; d < values.length; d++) {
      labels.add(d);
      number(data, values[d]);
    }
    series(option, "bar", data);
    return option;
  }

  /** Scatter of a latent map, one series (and colour) per label. */
  static ObjectNode latentMap(String title, LatentMap map) {
    ObjectNode option = base(title, "dimension 1", "dimension 2");
    scaled(option);
    axis(option, "grid").put("top", 72);
    option.putObject("legend").put("top", 28).put("type", "scroll");
    Map<String, ArrayNode> byLabel = new TreeMap<>();
    int step = stride(map.x().length);
    for (int i = 0; i < map.x().length; i += step) {
      ArrayNode point = byLabel.computeIfAbsent(map.labels().get(i), l -> array()).addArray();
      number(point, map.x()[i]);
      number(point, map.y()[i]);
    }
    ArrayNode series = option.putArray("series");
    byLabel.forEach((label, data) -> series.addObject().put("type", "scatter").put("name", label)
        .put("symbolSize", 5).set("data", data));
    return option;
  }

  private static ObjectNode base(String title, String xName, String yName) {
    ObjectNode option = Charts.JSON.createObjectNode();
    option.put("animation", false);
    option.putObject("title").put("text", title).put("left", "center")
        .putObject("textStyle").put("fontSize", 13);
    option.putObject("tooltip").put("trigger", "item");
    option.putObject("grid").put("left", 64).put("right", 24).put("top", 40).put("bottom", 48);
    option.putObject("xAxis").put("type", "value").put("name", xName)
        .put("nameLocation", "middle").put("nameGap", 30);
    option.putObject("yAxis").put("type", "value").put("name", yName);
    return option;
  }

  private static ObjectNode axis(ObjectNode option, String field) {
    return (ObjectNode) option.get(field);
  }

  private static void scaled(ObjectNode option) {
    axis(option, "xAxis").put("scale", true);
    axis(option, "yAxis").put("scale", true);
  }

  private static ObjectNode series(ObjectNode option, String type, ArrayNode data) {
    ObjectNode series = option.putArray("series").addObject().put("type", type);
    series.set("data", data);
    return series;
  }

  private static void usageColours(ObjectNode option, long maxUsage) {
    ObjectNode visualMap = option.putObject("visualMap").put("type", "continuous")
        .put("dimension", 2).put("min", 0).put("max", Math.max(maxUsage, 1))
        .put("right", 0).put("top", 40).put("itemHeight", 80);
    visualMap.putArray("text").add("used").add("unused");
    visualMap.putObject("inRange").putArray("color").add("#d7dbe0").add("#2c728e").add("#fde725");
    axis(option, "grid").put("right", 72);
  }

  private static int stride(int points) {
    return Math.max(1, (points + MAX_POINTS - 1) / MAX_POINTS);
  }

  private static void number(ArrayNode array, double v) {
    if (Double.isFinite(v)) {
      array.add(v);
    } else {
      array.addNull();
    }
  }

  private static ArrayNode array() {
    return Charts.JSON.createArrayNode();
  }
}
