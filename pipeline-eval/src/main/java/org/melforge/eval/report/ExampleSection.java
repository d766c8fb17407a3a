package org.melforge.eval.report;

import static org.melforge.eval.report.Html.text;
import static org.melforge.eval.report.Numbers.format;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One shown example: original, reconstruction and error images, its metadata and metrics, and
 * audio players for the original and the reconstruction.
 */
final class ExampleSection {

  private ExampleSection() {}

  /** The example {@code e} of {@code model}. */
  static void append(StringBuilder out, ModelResult model, ExampleView e) {
    out.append("<article class=\"example\"><h3>").append(text(model.checkpointId()))
        .append(" \u00b7 ").append(text(e.label())).append(": <code>").append(text(e.id()))
        .append("</code></h3>\n<div class=\"row\"><div class=\"images\">");
    image(out, Spectrograms.spectrogram(e, e.original()), e, "original");
    image(out, Spectrograms.spectrogram(e, e.reconstruction()), e, "reconstruction");
    image(out, Spectrograms.error(e), e,
        "|original \u2212 reconstruction|, from 0 (dark) to " + format(Spectrograms.maxError(e)));
    out.append("</div><div class=\"side\">");
    table(out, "metadata", new TreeMap<>(e.metadata()));
    table(out, "metrics", formatted(e.metrics()));
    audio(out, "original", e.originalWav());
    audio(out, "reconstruction", e.reconstructionWav());
    out.append("</div></div>");
    if (e.validFrames() < e.nFrames()) {
      out.append("<p class=\"note\">Frames after the first ").append(e.validFrames())
          .append(" are padding (dimmed).</p>");
    }
    out.append("</article>\n");
  }

  private static void image(StringBuilder out, byte[] png, ExampleView e, String caption) {
    int scale = Spectrograms.scale(e.nMels());
    out.append("<figure><img class=\"spectrogram\" alt=\"").append(text(caption))
        .append("\" width=\"").append(e.nFrames() * scale).append("\" height=\"")
        .append(e.nMels() * scale).append("\" src=\"").append(Spectrograms.dataUri(png))
        .append("\"><figcaption>").append(text(caption)).append("</figcaption></figure>\n");
  }

  private static void table(StringBuilder out, String caption, Map<String, String> rows) {
    out.append("<table class=\"kv\"><caption>").append(caption).append("</caption><tbody>");
    rows.forEach((key, value) -> out.append("<tr><th scope=\"row\">")
        .append(text(key)).append("</th><td>").append(text(value)).append("</td></tr>"));
    out.append("</tbody></table>\n");
  }

  private static Map<String, String> formatted(Map<String, Double> metrics) {
    Map<String, String> out = new LinkedHashMap<>();
    Metrics.ordered(metrics.keySet()).forEach(name -> out.put(name, format(metrics.get(name))));
    return out;
  }

  private static void audio(StringBuilder out, String label, byte[] wav) {
    out.append("<div class=\"audio\"><span>").append(label).append("</span>");
    if (wav == null) {
      out.append("<span class=\"note\">no audio</span></div>\n");
      return;
    }
    out.append("<audio controls preload=\"metadata\" src=\"data:audio/wav;base64,")
        .append(Base64.getEncoder().encodeToString(wav)).append("\"></audio></div>\n");
  }
}
