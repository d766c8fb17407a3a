package org.melforge.eval.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.melforge.config.Cli;
import org.melforge.config.CliRun;
import org.melforge.eval.report.ReportBrowser;

/**
 * {@code eval run} as a user runs it: two checkpoints compared in one report that a real browser
 * renders without an error, a request or an empty chart; and every refused run (missing or
 * corrupt checkpoint, other tensor shape, other log-mel profile, unknown split, earlier output)
 * exits 2 naming the path and the reason, before any Spark work.
 */
class EvalCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static EvalFixtures fx;
  private static Path out;

  @BeforeAll
  static void fixtures() {
    fx = EvalFixtures.get();
    out = fx.root().resolve("cli");
  }

  private static CliRun eval(String... args) {
    return CliRun.of(EvalCli::run, args);
  }

  private static List<String> run(String table, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--table", table, "--output",
        output.toString(), "eval.batch-size=4"));
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  void theVaeAVqVaeAndBsqInOneReportThatABrowserRenders() throws Exception {
    Path output = out.resolve("compare-nsynth");
    CliRun r = eval(run(fx.table("timbre-vae-tiny"), output, "--split", "train", "--checkpoint",
        fx.run("timbre-vae-tiny").toString(), "--checkpoint", fx.run("vqvae-80x128-tiny").toString(),
        "--checkpoint", fx.run("bsq-cnn-80x128-tiny").toString(),
        "eval.griffin-lim-iterations=4").toArray(String[]::new));
    assertEquals(Cli.OK, r.code(), r.err());
    String html = rendered(output);
    assertTrue(html.contains("posterior means by label") && html.contains("instrument_family"),
        "the timbre map, and groups by instrument family");
    assertTrue(html.contains("fraction of +1 per bit") && html.contains("entropy per bit"),
        "the bit charts of the BSQ level");
    JsonNode bsq = JSON.readTree(r.lastLine()).get("checkpoints").get(2);
    Path folder = Path.of(bsq.get("folder").asText().replace("file:", ""));
    JsonNode summary = JSON.readTree(Files.readString(folder.resolve("summary.json")));
    JsonNode level = summary.get("levels").elements().next();
    assertEquals("binary", level.get("kind").asText());
    assertEquals(level.get("bits").asInt(), level.get("bit_plus_fraction").size());
    for (String part : List.of("loss_recon", "loss_bsq_loss", "loss_bsq_commitment",
        "loss_bsq_h_sample", "loss_bsq_h_codebook", "loss_total")) {
      assertTrue(summary.get("metrics").has(part), part + " in " + summary.get("metrics"));
    }
  }

  @Test
  void twoCheckpointsInOneReportThatABrowserRenders() throws Exception {
    String vq = fx.run("vqvae-128x320-tiny").toString();
    String auddsr = fx.run("auddsr-tiny").toString();
    Path output = out.resolve("compare");
    List<String> args = run(fx.table("auddsr-tiny"), output, "--checkpoint", vq, "--checkpoint",
        auddsr, "eval.griffin-lim-iterations=4");
    CliRun r = eval(args.toArray(String[]::new));

    assertEquals(Cli.OK, r.code(), r.err());
    JsonNode result = JSON.readTree(r.lastLine());
    assertEquals("eval", result.get("job").asText());
    assertEquals(2, result.get("checkpoints").size());
    for (JsonNode c : result.get("checkpoints")) {
      Path folder = Path.of(c.get("folder").asText().replace("file:", ""));
      assertTrue(Files.exists(folder.resolve("summary.json")), folder.toString());
      assertTrue(Files.isDirectory(folder.resolve("examples")), folder.toString());
    }
    Path report = output.resolve("report.html");
    assertTrue(Files.exists(output.resolve("eval.json")));
    rendered(output);

    CliRun again = eval(args.toArray(String[]::new));
    assertEquals(Cli.USAGE, again.code());
    assertTrue(again.err().contains(output.toString()) && again.err().contains("--overwrite"),
        again.err());
    List<String> overwrite = new ArrayList<>(args);
    overwrite.add("--overwrite");
    overwrite.add("eval.report=false");
    CliRun replaced = eval(overwrite.toArray(String[]::new));
    assertEquals(Cli.OK, replaced.code(), replaced.err());
    assertTrue(Files.notExists(report), "the earlier report is replaced, not left stale");
  }

  /**
   * Opens the report in {@code output} in Chromium: no error, no request, every chart drawn, audio
   * players; returns its HTML.
   */
  private static String rendered(Path output) throws Exception {
    Path report = output.resolve("report.html");
    ReportBrowser.Result seen = ReportBrowser.open(report, output.resolve("browser"));
    assertEquals(List.of(), seen.consoleErrors());
    assertEquals(List.of(), seen.externalRequests());
    assertEquals("", seen.reportErrors().strip());
    assertTrue(seen.chartContainers() > 0);
    assertEquals(seen.chartContainers(), seen.drawnCharts(), "every chart drawn");
    assertEquals(seen.chartContainers(), seen.dataCharts());
    String html = Files.readString(report);
    assertTrue(html.contains("data:audio/wav;base64,"), "audio players");
    return html;
  }

  @Test
  void aMissingOrCorruptCheckpointIsNamed() throws Exception {
    Path missing = out.resolve("no-such-run");
    CliRun absent = eval(run(fx.table("vqvae-80x128-tiny"), out.resolve("absent"), "--checkpoint",
        missing.toString()).toArray(String[]::new));
    assertEquals(Cli.USAGE, absent.code());
    assertTrue(absent.err().contains(missing.toString()) && absent.err().contains("does not exist"),
        absent.err());

    Path copy = out.resolve("corrupt");
    copyTree(fx.run("vqvae-80x128-tiny"), copy);
    Path checkpoint;
    try (Stream<Path> s = Files.list(copy)) {
      checkpoint = s.filter(p -> p.getFileName().toString().startsWith("epoch-")).findFirst()
          .orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(checkpoint.resolve("model.zip").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    Files.deleteIfExists(checkpoint.resolve(".model.zip.crc"));
    CliRun corrupt = eval(run(fx.table("vqvae-80x128-tiny"), out.resolve("corrupt-eval"),
        "--checkpoint", checkpoint.toString()).toArray(String[]::new));
    assertEquals(Cli.USAGE, corrupt.code());
    assertTrue(corrupt.err().contains(checkpoint.toString()), corrupt.err());
  }

  @Test
  void anotherShapeProfileOrSplitIsRefused() throws Exception {
    String vq80 = fx.run("vqvae-80x128-tiny").toString();
    CliRun shape = eval(run(fx.table("auddsr-tiny"), out.resolve("shape"), "--checkpoint", vq80)
        .toArray(String[]::new));
    assertEquals(Cli.USAGE, shape.code());
    assertTrue(shape.err().contains("expects 80x128") && shape.err().contains("holds 128x320")
        && shape.err().contains(fx.table("auddsr-tiny")), shape.err());

    Path other = out.resolve("hop512");
    copyTree(Path.of(fx.table("vqvae-80x128-tiny")), other.resolve("nsynth"));
    Path stats = Path.of(fx.table("vqvae-80x128-tiny") + ".stats.json");
    ObjectNode json = (ObjectNode) JSON.readTree(Files.readString(stats));
    ((ObjectNode) json.at("/provenance/profiles/nsynth")).put("hop_length", 512);
    Files.writeString(other.resolve("nsynth.stats.json"), JSON.writeValueAsString(json));
    CliRun profile = eval(run(other.resolve("nsynth").toString(), out.resolve("profile"),
        "--checkpoint", vq80).toArray(String[]::new));
    assertEquals(Cli.USAGE, profile.code());
    assertTrue(profile.err().contains("another log-mel profile")
        && profile.err().contains("hop_length 256 (checkpoint) vs 512 (table)"), profile.err());

    CliRun split = eval(run(fx.table("vqvae-80x128-tiny"), out.resolve("split"), "--checkpoint",
        vq80, "--split", "test").toArray(String[]::new));
    assertEquals(Cli.USAGE, split.code());
    assertTrue(split.err().contains("no rows in split 'test'"), split.err());
    assertTrue(Files.notExists(out.resolve("shape")) && Files.notExists(out.resolve("split")),
        "a refused run writes nothing");
  }

  @Test
  void aTableRewrittenSinceTrainingIsRefusedUnlessAllowed() throws Exception {
    Path copy = out.resolve("rewritten");
    copyTree(Path.of(fx.table("vqvae-80x128-tiny")), copy.resolve("nsynth"));
    Path stats = copy.resolve("nsynth.stats.json");
    Files.copy(Path.of(fx.table("vqvae-80x128-tiny") + ".stats.json"), stats);
    Path trained = fx.train("vqvae-80x128-tiny", copy.resolve("nsynth").toString(),
        copy.resolve("train"));
    Files.writeString(stats, Files.readString(stats) + "\n");
    List<String> args = run(copy.resolve("nsynth").toString(), out.resolve("rewritten-eval"),
        "--checkpoint", trained.toString(), "eval.report=false");
    CliRun refused = eval(args.toArray(String[]::new));
    assertEquals(Cli.USAGE, refused.code());
    assertTrue(refused.err().contains("was rewritten after checkpoint")
        && refused.err().contains("eval.allow-changed-table"), refused.err());
    List<String> allowed = new ArrayList<>(args);
    allowed.add("eval.allow-changed-table=true");
    CliRun evaluated = eval(allowed.toArray(String[]::new));
    assertEquals(Cli.OK, evaluated.code(), evaluated.err());
  }

  @Test
  void keysListsEveryEvalAndExportKey() {
    CliRun keys = eval("keys");
    assertEquals(Cli.OK, keys.code());
    for (String key : List.of("eval.checkpoints", "eval.split", "eval.griffin-lim-iterations",
        "export.checkpoint", "export.split")) {
      assertTrue(keys.out().contains(key), key);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
