package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.CliRun;
import org.melforge.config.ConfigLoader;
import org.melforge.config.Setting;
import org.melforge.features.FeaturesJob;
import org.melforge.features.FeaturesOptions;
import org.melforge.model.ModelSpec;
import org.melforge.sharing.SharingOptions;
import org.melforge.spark.TestSpark;

/**
 * The train command line as a user meets it: a tiny real run exits 0 and leaves a checkpoint; an
 * unknown preset, an unknown or misspelt key, a value outside its allowed set and an unknown option
 * exit 2 before any work, with messages that list the presets, suggest the key or name the allowed
 * values; {@code presets} and {@code keys} print every bundled preset and every model and train key.
 */
class TrainCliTest {

  private static final Path SAMPLES =
      Path.of("../pipeline-features/sample-data").toAbsolutePath().normalize();

  @TempDir
  static Path tmp;

  private static String nsynth;

  @BeforeAll
  static void writeTable() {
    new FeaturesJob(TestSpark.get(), FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=\"" + SAMPLES.resolve("nsynth-mini") + "\"}]",
        "features.output=\"" + tmp.resolve("features") + "\"")))).execute();
    nsynth = tmp.resolve("features/nsynth").toString();
  }


  private static CliRun run(String... args) {
    return CliRun.of(TrainCli::run, args);
  }

  private static CliRun tinyRun(Path output, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("run", "--preset", "vqvae-80x128-tiny",
        "--table", nsynth, "--output", output.toString(), "--epochs", "1",
        "train.max-batches-per-epoch=1"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void tinyRunExitsZeroAndWritesItsCheckpoint() {
    Path output = tmp.resolve("run");
    CliRun r = tinyRun(output);

    assertEquals(TrainCli.OK, r.code(), r.err());
    assertTrue(r.out().contains("trained vqvae-80x128-tiny: epochs 1..1, 1 steps, checkpoint "), r.out());
    assertTrue(Files.isRegularFile(output.resolve("epoch-0001/checkpoint.json")));
    assertTrue(Files.isRegularFile(output.resolve("epoch-0001/model.zip")));
    assertTrue(Files.isRegularFile(output.resolve("history.csv")));
  }

  @Test
  void unknownPresetExitsTwoListingThePresets() {
    CliRun r = run("run", "--preset", "vqvae-huge", "--table", nsynth, "--output",
        tmp.resolve("never").toString());
    assertEquals(TrainCli.USAGE, r.code());
    assertTrue(r.err().contains("unknown preset 'vqvae-huge'"), r.err());
    Presets.NAMES.forEach(name -> assertTrue(r.err().contains(name), name + " in " + r.err()));
    assertFalse(Files.exists(tmp.resolve("never")));
  }

  @Test
  void configurationErrorsExitTwoNamingEveryKeyBeforeAnyWork() {
    Path output = tmp.resolve("bad-config");
    CliRun misspelt = tinyRun(output, "train.epoch=3");
    assertEquals(TrainCli.USAGE, misspelt.code());
    assertTrue(misspelt.err().contains("train.epoch") && misspelt.err().contains("did you mean 'epochs'"),
        misspelt.err());

    CliRun badValue = tinyRun(output, "model.vq.codebook-update=sgd");
    assertEquals(TrainCli.USAGE, badValue.code());
    assertTrue(badValue.err().contains("model.vq.codebook-update: 'sgd' is not one of [ema, loss]"),
        badValue.err());

    CliRun sectionTypo = tinyRun(output, "model.vq.num-embedings=8");
    assertEquals(TrainCli.USAGE, sectionTypo.code());
    assertTrue(sectionTypo.err().contains(
        "model.vq.num-embedings: unknown key (did you mean 'vq.num-embeddings'?)"), sectionTypo.err());

    CliRun both = tinyRun(output, "model.vq.codebook-update=sgd", "train.epoch=3", "train.batch-size=0");
    assertEquals(TrainCli.USAGE, both.code());
    for (String key : List.of("model.vq.codebook-update", "train.epoch", "train.batch-size")) {
      assertTrue(both.err().contains(key), key + " in " + both.err());
    }
    assertFalse(Files.exists(output), "nothing ran");
  }

  @Test
  void unknownOptionAndVerbExitTwo() {
    CliRun option = run("run", "--preset", "vqvae-80x128-tiny", "--tabel", nsynth);
    assertEquals(TrainCli.USAGE, option.code());
    assertTrue(option.err().contains("unknown option '--tabel'"), option.err());

    CliRun verb = run("fit");
    assertEquals(TrainCli.USAGE, verb.code());
    assertTrue(verb.err().contains("unknown verb 'fit'") && verb.err().contains("usage:"), verb.err());
    assertEquals(TrainCli.USAGE, run().code());
  }

  @Test
  void presetsPrintsEveryPresetWithItsFamilyAndInput() {
    CliRun r = run("presets");
    assertEquals(TrainCli.OK, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(Presets.NAMES.size(), lines.size(), r.out());
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(lines.get(i).startsWith(Presets.NAMES.get(i) + " "), lines.get(i));
    }
    assertTrue(r.out().contains("timbre-vae-tiny      family timbre-vae  input 80x128"), r.out());
    assertTrue(r.out().contains("auddsr               family auddsr      input 128x320"), r.out());
  }

  @Test
  void keysPrintsEveryModelTrainAndSharingKeyWithItsDefault() {
    CliRun r = run("keys");
    assertEquals(TrainCli.OK, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(ModelSpec.SCHEMA.settings().size() + TrainOptions.SCHEMA.settings().size()
        + SharingOptions.SCHEMA.settings().size(), lines.size());
    for (Setting s : ModelSpec.SCHEMA.settings()) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("model." + s.path() + " ")), "model." + s.path());
    }
    for (Setting s : TrainOptions.SCHEMA.settings()) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("train." + s.path() + " ")), "train." + s.path());
    }
    for (Setting s : SharingOptions.SCHEMA.settings()) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("sharing." + s.path() + " ")), "sharing." + s.path());
    }
    assertTrue(lines.stream().anyMatch(l -> l.matches("sharing\\.mode\\s+\"shared\"\\s+.*")), r.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("model\\.vq\\.codebook-update\\s+\"ema\"\\s+.*\\[ema, loss\\]")),
        r.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("train\\.epochs\\s+10\\s+epochs in total")), r.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("model\\.n-mels\\s+128\\s+.*")), r.out());
  }
}
