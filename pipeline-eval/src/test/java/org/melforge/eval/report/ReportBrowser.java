package org.melforge.eval.report;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens an HTML file in Debian's headless Chromium, as a reader's browser would, and reports what
 * happened: the DOM after the scripts ran, console errors, requests the page made to anything but
 * local schemes, whether every chart container holds a drawn SVG, and a screenshot. Chromium runs
 * twice, once dumping the DOM and once taking the screenshot, each with a fresh profile and a net
 * log, and is killed when it runs past {@link #TIMEOUT_SECONDS}.
 *
 * <p>Requests Chromium makes on its own behalf (component and extension updates, account checks;
 * their initiator is "not an origin" in the net log) are not the page's and are listed apart.
 */
public final class ReportBrowser {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final int TIMEOUT_SECONDS = 90;
  static final int WIDTH = 1400;
  static final int HEIGHT = 4000;

  private static final Set<String> LOCAL_SCHEMES =
      Set.of("file", "data", "about", "chrome", "blob");
  private static final Pattern CONSOLE = Pattern.compile(":(\\w+):CONSOLE\\b");
  private static final Pattern SCRIPT = Pattern.compile("(?is)<script\\b[^>]*>.*?</script>");
  private static final Pattern CHART =
      Pattern.compile("<div\\b[^>]*\\bclass=\"chart\\b[^\"]*\"[^>]*>");
  private static final Pattern DIV_TAG = Pattern.compile("(?i)<(/?)div\\b[^>]*>");
  private static final Pattern MARK =
      Pattern.compile("<(path|rect|circle|ellipse|line|polyline|polygon)\\b");
  private static final Pattern DATA_CHARTS =
      Pattern.compile("<body\\b[^>]*\\bdata-charts=\"(\\d+)\"");
  private static final Pattern REPORT_ERRORS =
      Pattern.compile("(?s)<div id=\"report-errors\"[^>]*>(.*?)</div>");

  /**
   * What Chromium saw.
   *
   * @param dom the DOM after the scripts ran, as serialised by {@code --dump-dom}
   * @param consoleErrors console messages that are errors: uncaught exceptions, messages logged at
   *     error level and Content-Security-Policy violations
   * @param externalRequests URLs the page requested with a scheme other than file, data, about,
   *     chrome or blob
   * @param browserRequests URLs Chromium requested on its own behalf
   * @param chartContainers elements of class {@code chart}
   * @param drawnCharts chart containers holding an {@code <svg>} with at least one drawn shape
   * @param dataCharts the body's {@code data-charts} attribute, or -1 when absent
   * @param reportErrors the text of the element {@code report-errors}, empty when absent
   * @param screenshot the screenshot, {@link #WIDTH} by {@link #HEIGHT}
   */
  public record Result(String dom, List<String> consoleErrors, List<String> externalRequests,
      List<String> browserRequests, int chartContainers, int drawnCharts, int dataCharts,
      String reportErrors, Path screenshot) {}

  private ReportBrowser() {}

  /** Opens {@code html} in Chromium, writing logs, net logs and the screenshot to {@code work}. */
  public static Result open(Path html, Path work) throws IOException, InterruptedException {
    if (!Files.isExecutable(CHROMIUM)) {
      fail("Debian's chromium is missing at " + CHROMIUM + ": install it (apt-get install "
          + "chromium), as .ci/run does; the report's browser check needs a real browser");
    }
    String url = html.toAbsolutePath().toUri().toString();
    Files.createDirectories(work);
    Path dom = work.resolve("dom.html");
    Path screenshot = work.resolve("screenshot.png");
    Run dumpRun = run(work, "dump", dom, "--dump-dom", url);
    Run shotRun = run(work, "screenshot", work.resolve("screenshot.out"),
        "--screenshot=" + screenshot, "--window-size=" + WIDTH + "," + HEIGHT, url);
    String page = Files.readString(dom, StandardCharsets.UTF_8);
    return result(page, List.of(dumpRun, shotRun), screenshot);
  }

  private record Run(Path stderr, Path netLog) {}

  private static Result result(String dom, List<Run> runs, Path screenshot) throws IOException {
    Set<String> consoleErrors = new LinkedHashSet<>();
    Set<String> external = new LinkedHashSet<>();
    Set<String> browser = new LinkedHashSet<>();
    for (Run run : runs) {
      consoleErrors.addAll(consoleErrors(run.stderr()));
      requests(run.netLog(), external, browser);
    }
    String body = SCRIPT.matcher(dom).replaceAll("<script></script>");
    int[] charts = charts(body);
    Matcher dataCharts = DATA_CHARTS.matcher(body);
    Matcher errors = REPORT_ERRORS.matcher(body);
    return new Result(dom, List.copyOf(consoleErrors), List.copyOf(external), List.copyOf(browser),
        charts[0], charts[1], dataCharts.find() ? Integer.parseInt(dataCharts.group(1)) : -1,
        errors.find() ? errors.group(1).replaceAll("<[^>]*>", " ").trim() : "", screenshot);
  }

  private static Run run(Path work, String name, Path stdout, String... args)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(work, name + "-profile");
    Run run = new Run(work.resolve(name + ".stderr"), work.resolve(name + ".netlog.json"));
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--virtual-time-budget=10000",
        "--log-net-log=" + run.netLog(), "--enable-logging=stderr", "--v=0"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
        .redirectError(run.stderr().toFile()).start();
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        fail("chromium ran past " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      delete(profile);
    }
    if (process.exitValue() != 0) {
      fail("chromium exited with " + process.exitValue() + "; see " + run.stderr());
    }
    return run;
  }

  private static List<String> consoleErrors(Path stderr) throws IOException {
    List<String> errors = new ArrayList<>();
    for (String line : Files.readAllLines(stderr, StandardCharsets.UTF_8)) {
      Matcher console = CONSOLE.matcher(line);
      if (line.contains("Uncaught") || console.find() && (console.group(1).equals("ERROR")
          || line.contains("Content Security Policy"))) {
        errors.add(line);
      }
    }
    return errors;
  }

  /** Sorts the net log's non-local URLs into the page's and Chromium's own. */
  private static void requests(Path netLog, Set<String> external, Set<String> browser)
      throws IOException {
    JsonNode log = new ObjectMapper().readTree(netLog.toFile());
    Set<String> urls = new LinkedHashSet<>();
    Set<String> browserUrls = new HashSet<>();
    for (JsonNode event : log.path("events")) {
      JsonNode params = event.path("params");
      String url = params.path("url").asText("");
      if (url.isEmpty() || LOCAL_SCHEMES.contains(scheme(url))) {
        continue;
      }
      urls.add(url);
      if (params.path("initiator").asText("").equals("not an origin")) {
        browserUrls.add(url);
      }
    }
    urls.forEach(url -> (browserUrls.contains(url) ? browser : external).add(url));
  }

  private static String scheme(String url) {
    int colon = url.indexOf(':');
    return colon < 0 ? "" : url.substring(0, colon).toLowerCase();
  }

  /** Chart containers, and those holding an SVG with a drawn shape. */
  private static int[] charts(String dom) {
    int containers = 0;
    int drawn = 0;
    Matcher start = CHART.matcher(dom);
    while (start.find()) {
      containers++;
      String inner = dom.substring(start.end(), closingDiv(dom, start.end()));
      int svg = inner.indexOf("<svg");
      if (svg >= 0 && MARK.matcher(inner).find(svg)) {
        drawn++;
      }
    }
    return new int[] {containers, drawn};
  }

  /** Where the div opened just before {@code from} is closed. */
  private static int closingDiv(String dom, int from) {
    Matcher tag = DIV_TAG.matcher(dom);
    int depth = 1;
    while (tag.find(from)) {
      depth += tag.group(1).isEmpty() ? 1 : -1;
      if (depth == 0) {
        return tag.start();
      }
      from = tag.end();
    }
    return dom.length();
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
