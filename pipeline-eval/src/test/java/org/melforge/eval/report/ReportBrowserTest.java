package org.melforge.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The report in a real browser: Debian's headless Chromium, through {@link ReportBrowser}. */
class ReportBrowserTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @Test
  void reportRendersOfflineWithoutErrors() throws IOException, InterruptedException {
    Path html = work.resolve("report.html");
    Files.writeString(html, ReportWriter.html(SyntheticReport.create()), StandardCharsets.UTF_8);
    ReportBrowser.Result result = ReportBrowser.open(html, work.resolve("browser"));

    assertEquals(List.of(), result.consoleErrors());
    assertEquals(List.of(), result.externalRequests());
    assertEquals("", result.reportErrors());
    assertTrue(result.chartContainers() > 10, "charts: " + result.chartContainers());
    assertEquals(result.chartContainers(), result.drawnCharts(), "every chart drawn as SVG");
    assertEquals(result.chartContainers(), result.dataCharts(), "charts the page rendered");
    assertFalse(result.dom().contains("window.injected = 1</script>"));
    screenshotIsAPicture(result.screenshot());
  }

  @Test
  void externalRequestThrowingScriptAndEmptyChartAreDetected()
      throws IOException, InterruptedException {
    Path html = work.resolve("broken.html");
    Files.writeString(html, "<!DOCTYPE html><html><head><title>broken</title></head><body>"
        + "<img src=\"http://example.com/x.png\"><div class=\"chart\"></div>"
        + "<script>throw new Error('report script failed')</script></body></html>");
    ReportBrowser.Result result = ReportBrowser.open(html, work.resolve("broken"));

    assertTrue(result.externalRequests().contains("http://example.com/x.png"),
        result.externalRequests().toString());
    assertTrue(result.consoleErrors().stream()
        .anyMatch(line -> line.contains("Uncaught Error: report script failed")),
        result.consoleErrors().toString());
    assertEquals(1, result.chartContainers());
    assertEquals(0, result.drawnCharts());
    assertEquals(-1, result.dataCharts());
  }

  @Test
  void blockedImageInTheReportIsRecordedOnThePage() throws IOException, InterruptedException {
    Path html = work.resolve("injected.html");
    String page = ReportWriter.html(SyntheticReport.create())
        .replace("<header>", "<header><img src=\"http://example.com/x.png\" alt=\"\">");
    Files.writeString(html, page, StandardCharsets.UTF_8);
    ReportBrowser.Result result = ReportBrowser.open(html, work.resolve("injected"));

    assertTrue(result.reportErrors().contains("http://example.com/x.png"), result.reportErrors());
    assertTrue(result.consoleErrors().stream()
        .anyMatch(line -> line.contains("Content Security Policy")),
        result.consoleErrors().toString());
    assertEquals(result.chartContainers(), result.drawnCharts(), "the rest still renders");
  }

  private static void screenshotIsAPicture(Path png) throws IOException {
    assertTrue(Files.isRegularFile(png), png.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(ReportBrowser.WIDTH, image.getWidth());
    assertEquals(ReportBrowser.HEIGHT, image.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 100, "colours sampled: " + colours.size());
  }
}
