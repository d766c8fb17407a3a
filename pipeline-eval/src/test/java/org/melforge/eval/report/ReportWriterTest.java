package org.melforge.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

  private static final Pattern SCRIPT = Pattern.compile("(?is)<script\\b([^>]*)>(.*?)</script>");
  private static final Pattern URL_ATTRIBUTE =
      Pattern.compile("(?i)\\b(src|href|action|poster|srcset|data)\\s*=\\s*\"([^\"]*)\"");
  private static final Pattern PNG = Pattern.compile("src=\"data:image/png;base64,([^\"]+)\"");
  private static final Pattern AUDIO =
      Pattern.compile("<audio controls[^>]*src=\"data:audio/wav;base64,([^\"]+)\"");

  private static String html;
  /** The page without the contents of its script elements. */
  private static String markup;

  @BeforeAll
  static void write() throws IOException {
    StringWriter out = new StringWriter();
    ReportWriter.write(SyntheticReport.create(), out);
    html = out.toString();
    markup = SCRIPT.matcher(html).replaceAll("<script$1></script>");
    assertEquals(ReportWriter.html(SyntheticReport.create()), html);
  }

  @Test
  void everyAttributeUrlIsDataOrFragmentAndTheCspIsThere() {
    Matcher attribute = URL_ATTRIBUTE.matcher(markup);
    int urls = 0;
    while (attribute.find()) {
      String value = attribute.group(2);
      assertTrue(value.startsWith("data:") || value.startsWith("#"),
          attribute.group(1) + " points outside the page: " + value);
      urls++;
    }
    assertTrue(urls >= 12, "the page's images, audio and section links: " + urls);
    assertTrue(markup.contains("<meta http-equiv=\"Content-Security-Policy\" content=\""
        + ReportWriter.CONTENT_SECURITY_POLICY + "\">"));
    assertFalse(Pattern.compile("(?i)<(link|iframe|object|embed|base)\\b").matcher(markup).find());
    assertFalse(markup.contains("url("), "CSS fetches nothing");
    for (Matcher script = SCRIPT.matcher(html); script.find(); ) {
      assertFalse(script.group(1).contains("src"), "scripts are inline: " + script.group(1));
    }
  }

  @Test
  void scriptsCannotEndTheirElement() {
    assertEquals("a<\\/SCRIPT>b<\\!--c", Html.script("a</SCRIPT>b<!--c"));
    assertEquals("\"\\u003c/script\\u003e \\u0026\"", Html.json("\"</script> &\""));
  }

  @Test
  void echartsIsInlined() {
    assertTrue(html.contains("echarts"), "the library");
    assertTrue(html.contains("echarts.init(container, null, {renderer: 'svg'})"));
  }

  @Test
  void metadataIsEscapedForHtml() {
    assertFalse(html.contains(SyntheticReport.SCRIPT_METADATA));
    assertFalse(html.contains("<b>bold</b>"));
    assertFalse(html.contains("window.injected = 1</script>"));
    assertTrue(markup.contains("<td>&lt;/script&gt;&lt;script&gt;window.injected = 1"
        + "&lt;/script&gt;</td>"));
    assertTrue(markup.contains("<td>&lt;b&gt;bold&lt;/b&gt; &amp; more</td>"));
  }

  @Test
  void chartJsonIsSafeInsideItsScriptAndKeepsTheText() throws IOException {
    String json = chartJson();
    assertFalse(json.contains("</"), "would end the script element");
    assertFalse(json.contains("<!--"), "would change how the parser reads the script element");
    JsonNode options = new ObjectMapper().readTree(json);
    List<String> seriesNames = new ArrayList<>();
    options.forEach(option -> option.path("series")
        .forEach(series -> seriesNames.add(series.path("name").asText())));
    assertTrue(seriesNames.contains(SyntheticReport.SCRIPT_LABEL), seriesNames.toString());
    assertEquals(count(markup, "class=\"chart "), options.size(), "one option per container");
  }

  @Test
  void chartJsonHasNoNonFiniteNumbers() {
    String json = chartJson();
    for (String token : new String[] {"Infinity", "NaN"}) {
      assertFalse(json.contains(token), token);
    }
  }

  @Test
  void nonFiniteChartValuesBecomeMissing() {
    JsonNode data = ChartOptions.perIndex("t", "i", "v",
        new double[] {1.5, Double.NaN, Double.POSITIVE_INFINITY}).path("series").path(0)
        .path("data");
    assertEquals("[1.5,null,null]", data.toString());
  }

  @Test
  void infinitePsnrShowsAsInf() {
    assertTrue(markup.contains("<td>inf</td>"), "the summary's p95");
    assertTrue(Pattern.compile("<td data-metric=\"psnr\" data-model=\"vq-small\" class=\"best\""
        + "[^>]*>inf <span class=\"mark\"").matcher(markup).find(), "the comparison's mean");
  }

  @Test
  void comparisonMarksTheBetterModelPerMetric() {
    // mse: lower is better, vae-small 0.0101 < vq-small 0.0123.
    assertTrue(markup.contains("<td data-metric=\"mse\" data-model=\"vae-small\" class=\"best\""));
    assertTrue(markup.contains("<td data-metric=\"mse\" data-model=\"vq-small\" title="));
    // ssim: higher is better, vae-small 0.84 > vq-small 0.81.
    assertTrue(markup.contains("<td data-metric=\"ssim\" data-model=\"vae-small\" class=\"best\""));
    // a metric only one model has is not compared.
    assertFalse(Pattern.compile("data-metric=\"(vq_loss|kl)\"[^>]*class=\"best\"")
        .matcher(markup).find());
  }

  @Test
  void groupComparisonMarksTheBetterModelPerGroup() {
    String brass = row(group("instrument_family"), "brass");
    String guitar = row(group("instrument_family"), "guitar");
    assertTrue(brass.contains("data-metric=\"mse_valid\" data-model=\"vq-small\" class=\"best\""),
        brass);
    assertTrue(brass.contains("data-metric=\"psnr_valid\" data-model=\"vq-small\" class=\"best\""),
        brass);
    assertTrue(guitar.contains("data-metric=\"mse_valid\" data-model=\"vae-small\" class=\"best\""),
        guitar);
    assertFalse(guitar.contains("data-metric=\"mse_valid\" data-model=\"vq-small\" class"), guitar);
    assertFalse(brass.contains("data-metric=\"ssim_valid\" data-model=\"vq-small\" class"),
        "a tie marks neither");
  }

  @Test
  void spectrogramsAreScaledPngsOfTheTensorShape() throws IOException {
    int scale = 2;
    Matcher png = PNG.matcher(markup);
    int images = 0;
    while (png.find()) {
      BufferedImage image =
          ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png.group(1))));
      assertNotNull(image, "decodes as an image");
      assertEquals(SyntheticReport.N_FRAMES * scale, image.getWidth());
      assertEquals(SyntheticReport.N_MELS * scale, image.getHeight());
      images++;
    }
    assertEquals(2 * 3 * 3, images, "two models, three examples, three images each");
  }

  @Test
  void audioIsEmbeddedWav() {
    Matcher audio = AUDIO.matcher(markup);
    int players = 0;
    while (audio.find()) {
      byte[] wav = Base64.getDecoder().decode(audio.group(1));
      assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
      players++;
    }
    assertEquals(2 * 3 * 2, players);
  }

  @Test
  void sectionsAreThere() {
    for (String id : Set.of("summary", "comparison", "groups", "distributions", "levels",
        "examples", "latent")) {
      assertTrue(markup.contains("<section id=\"" + id + "\">"), id);
      assertTrue(markup.contains("<a href=\"#" + id + "\">"), id);
    }
    assertTrue(markup.contains("<div id=\"report-errors\" role=\"alert\"></div>"));
  }

  @Test
  void singleModelHasNoComparison() {
    Report one = new Report("one", "t", "valid",
        List.of(SyntheticReport.create().models().get(0)));
    String page = ReportWriter.html(one);
    assertFalse(page.contains("<section id=\"comparison\">"));
    assertFalse(page.contains("class=\"best\""));
  }

  private static String chartJson() {
    Matcher json = Pattern.compile(
        "(?s)<script type=\"application/json\" id=\"report-charts\">(.*?)</script>").matcher(html);
    assertTrue(json.find());
    return json.group(1);
  }

  private static String group(String key) {
    int start = markup.indexOf("data-group-key=\"" + key + "\"");
    assertTrue(start >= 0, key);
    return markup.substring(start, markup.indexOf("</table>", start));
  }

  private static String row(String table, String value) {
    int start = table.indexOf("<tr data-group=\"" + value + "\">");
    assertTrue(start >= 0, value);
    return table.substring(start, table.indexOf("</tr>", start));
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
