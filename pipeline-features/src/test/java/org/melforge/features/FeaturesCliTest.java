package org.melforge.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.CliRun;
import org.melforge.spark.TestSpark;
import org.melforge.tensorstore.Npy;

/** The command line: exit codes, the threshold, the result's JSON line, inspect and export. */
class FeaturesCliTest {

  @TempDir
  Path tmp;

  @Test
  void configurationErrorsExitWithUsageBeforeAnySparkWork() {
    assertEquals(FeaturesCli.USAGE, FeaturesCli.run(new String[] {"run"}));
    assertEquals(FeaturesCli.USAGE, FeaturesCli.run(new String[] {"run", "--input", "x", "features.partitions=-1"}));
    assertEquals(FeaturesCli.USAGE, FeaturesCli.run(new String[] {"frobnicate"}));
    assertEquals(FeaturesCli.USAGE, FeaturesCli.run(new String[] {"run", "--inputs", "x"}));
  }

  @Test
  void missingCorpusRootIsAUsageErrorAndFailedWritesExitWithFailure() {
    TestSpark.get();
    assertEquals(FeaturesCli.USAGE, FeaturesCli.run(new String[] {
        "run", "--input", tmp.resolve("no-such-corpus").toString(), "--output", tmp.resolve("o").toString()}));
    assertEquals(FeaturesCli.FAILED, FeaturesCli.run(new String[] {
        "run", "--input", TestCorpora.SAMPLE_NSYNTH.toString(), "--output", "/proc/melforge-cannot-write-here"}));
  }

  @Test
  void groupSplitOfAPlainFolderIsAUsageErrorNamingTheInput() throws Exception {
    TestSpark.get();
    Path folder = TestCorpora.folderWithOddFiles(tmp);
    Path out = tmp.resolve("out");
    CliRun configured = CliRun.of(FeaturesCli::run, "run", "--output", out.toString(),
        "features.inputs=[{path=\"" + folder + "\", layout=folder, split=group}]");
    CliRun detected = CliRun.of(FeaturesCli::run, "run", "--output", out.toString(),
        "features.inputs=[{path=\"" + folder + "\", split=group}]");
    for (CliRun r : List.of(configured, detected)) {
      assertEquals(FeaturesCli.USAGE, r.code(), r.err());
      assertTrue(r.err().contains("input " + folder + ": split = group hashes a group key (nsynth: instrument, "
          + "librispeech: speaker) but layout folder has none"), r.err());
    }
    assertTrue(configured.err().contains("features.inputs[0].split: "), configured.err());
    assertFalse(Files.exists(out), "nothing was written");
  }

  @Test
  void errorFractionDecidesTheExitCodeAndInspectExportWork() throws Exception {
    TestSpark.get();
    Path corpus = TestCorpora.nsynthWithBadFiles(tmp);
    String out = tmp.resolve("out").toString();
    assertEquals(FeaturesCli.TOO_MANY_ERRORS, FeaturesCli.run(new String[] {
        "run", "--input", corpus.toString(), "--output", out, "features.max-error-fraction=0.2"}));
    String run = captureStdout(() -> assertEquals(FeaturesCli.OK, FeaturesCli.run(new String[] {
        "run", "--input", corpus.toString(), "--output", out, "features.max-error-fraction=0.3"})));
    List<String> lines = run.lines().toList();
    assertTrue(lines.get(0).startsWith("table nsynth  inputs=23 ok=18"), run);
    JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals(23, last.path("inputs").asLong(), run);
    assertEquals(18, last.path("ok").asLong());
    assertEquals(5, last.path("errors").asLong());
    assertTrue(last.path("passed").asBoolean());
    assertEquals(18, last.at("/tables/0/tensors").asLong());
    assertEquals(80, last.at("/provenance/profiles/nsynth/n_mels").asInt());

    String text = captureStdout(() -> FeaturesCli.run(new String[] {
        "inspect", out + "/nsynth", "--images", "2", "--out", tmp.resolve("img").toString()}));
    assertTrue(text.contains("rows: 18"), text);
    assertTrue(text.contains("dataset=nsynth/split=train"), text);
    assertTrue(text.contains("80 mel bins"), text);
    assertTrue(text.contains("profile nsynth: sample_rate=16000 n_fft=1024"), text);
    assertTrue(text.contains("made by melforge "), text);

    Path stats = Path.of(out, "nsynth.stats.json");
    ObjectNode older = (ObjectNode) new ObjectMapper().readTree(stats.toFile());
    older.remove("provenance");
    Files.writeString(stats, older.toString());
    Files.delete(stats.resolveSibling(".nsynth.stats.json.crc"));
    String olderText = captureStdout(() -> FeaturesCli.run(new String[] {"inspect", out + "/nsynth", "--images", "0"}));
    assertTrue(olderText.contains("80 mel bins") && !olderText.contains("made by"),
        "statistics written before provenance: " + olderText);
    try (Stream<Path> pngs = Files.list(tmp.resolve("img"))) {
      assertEquals(2, pngs.filter(p -> p.toString().endsWith(".png")).count());
    }

    Path npy = tmp.resolve("npy");
    String exported = captureStdout(() -> assertEquals(FeaturesCli.OK, FeaturesCli.run(new String[] {
        "export", out + "/nsynth", "--out", npy.toString(), "--split", "train"})));
    try (Stream<Path> files = Files.list(npy)) {
      List<Path> npys = files.filter(p -> p.toString().endsWith(".npy")).toList();
      assertTrue(npys.size() > 10, "most of 18 notes are in train: " + npys.size());
      assertTrue(exported.contains("exported " + npys.size() + " tensors"), exported);
      for (Path f : npys) {
        Npy.Array a = Npy.read(Files.newInputStream(f));
        assertEquals(80, a.dim(0));
        assertEquals(128, a.dim(1));
        assertTrue(f.getFileName().toString().matches(".+\\.w0000\\.npy"), f.toString());
      }
    }
  }

  private static String captureStdout(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString();
  }
}
