package org.melforge.eval.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The charts of one page: each ECharts option under the id of its container, written as one JSON
 * object that the page's script renders into the containers.
 */
final class Charts {

  static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode options = JSON.createObjectNode();

  /** The container of a new chart showing {@code option}, of the given CSS size class. */
  String container(ObjectNode option, String sizeClass) {
    String id = "c" + options.size();
    options.set(id, option);
    return "<div class=\"chart " + sizeClass + "\" data-chart=\"" + id + "\"></div>\n";
  }

  /** Charts added so far. */
  int size() {
    return options.size();
  }

  /** Every option by container id, as JSON safe inside a {@code <script>} element. */
  String json() {
    try {
      return Html.json(JSON.writeValueAsString(options));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("chart options are plain JSON trees", e);
    }
  }
}
